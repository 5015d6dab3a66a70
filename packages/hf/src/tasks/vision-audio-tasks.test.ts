import { TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHfSetup, received, setupFakeHf } from '../test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());

const run: FakeHfSetup['run'] = (task, model, input) => setup.run(task, model, input);

const png = new Uint8Array(TINY_PNG);
const flac = new TextEncoder().encode('fLaC\0\0\0"some-audio');
const base64Png = Buffer.from(png).toString('base64');

describe('image and audio tasks: raw bytes without parameters, base64 JSON with them', () => {
  it('image-classification: raw image bytes with their content type', async () => {
    const result = await run('image-classification', 'google/vit-base-patch16-224', { inputs: png });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "bytes": 67,
          "first": [
            137,
            80,
            78,
            71,
          ],
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "image/png",
        },
        "method": "POST",
        "url": "/hf-inference/models/google/vit-base-patch16-224",
      }
    `);
    expect(setup.last().body.equals(Buffer.from(png))).toBe(true);
    expect(result.output.length).toBe(5);
    expect(result.output[0]).toMatchInlineSnapshot(`
      {
        "label": "tiger cat",
        "score": 0.5912,
      }
    `);
  });

  it('image-classification with parameters: {inputs: base64, parameters}', async () => {
    const result = await run('image-classification', 'google/vit-base-patch16-224', {
      inputs: new Blob([png], { type: 'image/png' }),
      parameters: { top_k: 2 },
    });
    expect(received(setup.last())).toEqual({
      method: 'POST',
      url: '/hf-inference/models/google/vit-base-patch16-224',
      headers: { authorization: 'Bearer <token>', 'content-type': 'application/json' },
      body: { inputs: base64Png, parameters: { top_k: 2 } },
    });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "label": "tiger cat",
          "score": 0.5912,
        },
        {
          "label": "Persian cat",
          "score": 0.2627,
        },
      ]
    `);
  });

  it('zero-shot-image-classification: always JSON (candidate_labels are required)', async () => {
    const result = await run('zero-shot-image-classification', 'openai/clip-vit-large-patch14', {
      inputs: png,
      parameters: { candidate_labels: ['cat', 'dog'] },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: base64Png,
      parameters: { candidate_labels: ['cat', 'dog'] },
    });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "label": "cat",
          "score": 0.7339,
        },
        {
          "label": "dog",
          "score": 0.2661,
        },
      ]
    `);
  });

  it('object-detection', async () => {
    const result = await run('object-detection', 'facebook/detr-resnet-50', {
      inputs: png,
      parameters: { threshold: 0.9 },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==",
          "parameters": {
            "threshold": 0.9,
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/facebook/detr-resnet-50",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "box": {
            "xmax": 179,
            "xmin": 12,
            "ymax": 219,
            "ymin": 52,
          },
          "label": "cat",
          "score": 0.9982,
        },
      ]
    `);
  });

  it('image-segmentation: base64 PNG masks, null scores for semantic', async () => {
    const result = await run('image-segmentation', 'nvidia/segformer-b0-finetuned-ade-512-512', {
      inputs: png,
      parameters: { subtask: 'semantic' },
    });
    expect(received(setup.last()).body).toEqual({ inputs: base64Png, parameters: { subtask: 'semantic' } });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "label": "cat",
          "mask": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==",
          "score": null,
        },
        {
          "label": "couch",
          "mask": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==",
          "score": null,
        },
      ]
    `);
  });

  it('image-to-text: the object form', async () => {
    const result = await run('image-to-text', 'Salesforce/blip-image-captioning-large', { inputs: png });
    expect(received(setup.last()).headers['content-type']).toBe('image/png');
    expect(result.output).toMatchInlineSnapshot(`
      {
        "generated_text": "two cats sleeping on a pink blanket (67 bytes)",
      }
    `);
  });

  it('image-to-image: image bytes back as BinaryData', async () => {
    const result = await run('image-to-image', 'timbrooks/instruct-pix2pix', {
      inputs: png,
      parameters: { prompt: 'Turn the cat into a tiger' },
    });
    expect(received(setup.last())).toEqual({
      method: 'POST',
      url: '/hf-inference/models/timbrooks/instruct-pix2pix',
      headers: { authorization: 'Bearer <token>', 'content-type': 'application/json', accept: 'image/png' },
      body: { inputs: base64Png, parameters: { prompt: 'Turn the cat into a tiger' } },
    });
    expect(result.output.image.contentType).toBe('image/png');
    expect(Buffer.from(result.output.image.data).equals(TINY_PNG)).toBe(true);
    expect(result.usage).toMatchInlineSnapshot(`
      {
        "computeSeconds": 0.012,
        "computeType": "cpu",
        "images": 1,
      }
    `);
  });

  it('text-to-image: JSON prompt in, image bytes out', async () => {
    const result = await run('text-to-image', 'black-forest-labs/FLUX.1-schnell', {
      inputs: 'an astronaut riding a horse',
      parameters: { width: 512, height: 512, seed: 42 },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "an astronaut riding a horse",
          "parameters": {
            "height": 512,
            "seed": 42,
            "width": 512,
          },
        },
        "headers": {
          "accept": "image/png",
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/black-forest-labs/FLUX.1-schnell",
      }
    `);
    expect(result.output.image.contentType).toBe('image/png');
    expect(Buffer.from(result.output.image.data).equals(TINY_PNG)).toBe(true);
  });

  it('automatic-speech-recognition: raw audio bytes', async () => {
    const result = await run('automatic-speech-recognition', 'openai/whisper-large-v3', { inputs: flac });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "bytes": 18,
          "first": [
            102,
            76,
            97,
            67,
          ],
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "audio/flac",
        },
        "method": "POST",
        "url": "/hf-inference/models/openai/whisper-large-v3",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      {
        "text": " He hoped there would be stew for dinner (18 bytes).",
      }
    `);
  });

  it('automatic-speech-recognition with return_timestamps: base64 JSON and chunks', async () => {
    const result = await run('automatic-speech-recognition', 'openai/whisper-large-v3', {
      inputs: flac,
      parameters: { return_timestamps: true },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: Buffer.from(flac).toString('base64'),
      parameters: { return_timestamps: true },
    });
    expect(result.output.chunks).toMatchInlineSnapshot(`
      [
        {
          "text": " He hoped there would be stew for dinner (18 bytes).",
          "timestamp": [
            0,
            0,
          ],
        },
      ]
    `);
  });

  it('audio-classification', async () => {
    const result = await run('audio-classification', 'superb/hubert-large-superb-er', {
      inputs: new Blob([flac], { type: 'audio/flac' }),
      parameters: { top_k: 2 },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: Buffer.from(flac).toString('base64'),
      parameters: { top_k: 2 },
    });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "label": "neu",
          "score": 0.3074,
        },
        {
          "label": "hap",
          "score": 0.2753,
        },
      ]
    `);
  });

  it('text-to-speech: audio bytes with their content type', async () => {
    const result = await run('text-to-speech', 'facebook/mms-tts-eng', { inputs: 'The answer to the universe is 42.' });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "The answer to the universe is 42.",
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/facebook/mms-tts-eng",
      }
    `);
    expect(result.output.audio.contentType).toBe('audio/flac');
    expect(new TextDecoder().decode(result.output.audio.data.subarray(0, 4))).toBe('fLaC');
  });

  it('visual-question-answering: {image: base64, question}', async () => {
    const result = await run('visual-question-answering', 'dandelin/vilt-b32-finetuned-vqa', {
      inputs: { image: png, question: 'What animal is it?' },
      parameters: { top_k: 2 },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: { image: base64Png, question: 'What animal is it?' },
      parameters: { top_k: 2 },
    });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "answer": "cat",
          "score": 0.9421,
        },
        {
          "answer": "cats",
          "score": 0.0312,
        },
      ]
    `);
  });

  it('document-question-answering', async () => {
    const result = await run('document-question-answering', 'impira/layoutlm-document-qa', {
      inputs: { image: png, question: 'What is the invoice number?' },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: { image: base64Png, question: 'What is the invoice number?' },
    });
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "answer": "us-001",
          "end": 16,
          "score": 0.9986,
          "start": 16,
        },
      ]
    `);
  });
});
