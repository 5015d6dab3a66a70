import { describe, expect, it } from 'vitest';
import { hfReply } from './hf-output';

describe('hfReply', () => {
  it('wraps one answer in the list the serverless API sends, one entry per input', () => {
    expect(hfReply('translation', { translation_text: 'Hello' })).toEqual({
      kind: 'json',
      body: '[{"translation_text":"Hello"}]',
    });
    expect(hfReply('text-classification', [{ label: 'POSITIVE', score: 0.9 }])).toEqual({
      kind: 'json',
      body: '[[{"label":"POSITIVE","score":0.9}]]',
    });
  });

  it('sends the answers to a list of inputs as the flat list they already are (issue #18 item 5)', () => {
    const answers = [{ translation_text: 'Yes' }, { translation_text: 'No' }];
    expect(hfReply('translation', answers)).toEqual({ kind: 'json', body: JSON.stringify(answers) });
  });
});
