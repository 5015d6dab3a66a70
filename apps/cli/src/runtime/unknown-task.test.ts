import { getTask, taskIds } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { taskAliases } from './task-aliases';
import { unknownTask } from './unknown-task';

describe('unknownTask', () => {
  it('suggests the task a common alias means', () => {
    expect(unknownTask('sentiment').suggestion).toBe('text-classification');
    expect(unknownTask('embeddings').suggestion).toBe('feature-extraction');
    expect(unknownTask('ner').suggestion).toBe('token-classification');
    expect(unknownTask('QA').suggestion).toBe('question-answering');
    expect(unknownTask('asr').suggestion).toBe('automatic-speech-recognition');
    expect(unknownTask('tts').suggestion).toBe('text-to-speech');
    expect(unknownTask('chat').suggestion).toBe('chat-completion');
    expect(unknownTask('sentiment_analysis').suggestion).toBe('text-classification');
    expect(unknownTask('sentiment').error.message).toBe(
      'Unknown task "sentiment" (did you mean "text-classification"?).',
    );
  });

  it('suggests a task id or a longer alias a few edits away', () => {
    expect(unknownTask('text-clasification').suggestion).toBe('text-classification');
    expect(unknownTask('sentimnet').suggestion).toBe('text-classification');
    expect(unknownTask('summarisation').suggestion).toBe('summarization');
  });

  it('stays quiet for words that are not near any task (a short input is not a misspelt "qa")', () => {
    expect(unknownTask('hi').suggestion).toBeUndefined();
    expect(unknownTask('constructor').suggestion).toBeUndefined();
    expect(unknownTask('I love this movie').suggestion).toBeUndefined();
  });

  it('every alias names a registered task and is not itself a task id', () => {
    for (const [alias, task] of Object.entries(taskAliases)) {
      expect(getTask(task).id).toBe(task);
      expect(taskIds).not.toContain(alias);
    }
  });
});
