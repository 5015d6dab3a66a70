/**
 * The seed article's code, as a reader copies it: its Hugging Face snippets in Python (`requests`) and
 * JavaScript (`fetch`), and its two EvoLink functions. The only change is where they send: `{{HF_URL}}` stands
 * for `https://api-inference.huggingface.co` and `{{EVOLINK_URL}}` for `https://api.evolink.ai`. Each script
 * prints its answers as JSON lines so the test can read them.
 *
 * The article's text is not in the repository; these follow the shapes its readers met (HF's documented
 * `query(payload)` snippets, the issue's `fetch(url, {method: "POST", body: JSON.stringify(data)})` without a
 * content type, EvoLink's submit-then-poll functions on `/v1/images/generations`, `/v1/videos/generations` and
 * `/v1/tasks/{id}`), so the test checks those wire habits rather than one article's exact words.
 */

export const seedPython = `
import json
import requests

API_TOKEN = "hf_seedSnippetToken0123"
headers = {"Authorization": f"Bearer {API_TOKEN}"}


def query(model, payload):
    API_URL = f"{{HF_URL}}/models/{model}"
    response = requests.post(API_URL, headers=headers, json=payload)
    return response.json()


def query_image(model, filename):
    API_URL = f"{{HF_URL}}/models/{model}"
    with open(filename, "rb") as f:
        data = f.read()
    response = requests.post(API_URL, headers=headers, data=data)
    return response.json()


# Sentiment analysis
print(json.dumps(query("distilbert/distilbert-base-uncased-finetuned-sst-2-english", {"inputs": "I like you. I love you"})))

# Text generation with parameters
print(json.dumps(query("gpt2", {
    "inputs": "The answer to the universe is",
    "parameters": {"max_new_tokens": 20, "temperature": 0.7},
})))

# Image classification from raw bytes
print(json.dumps(query_image("google/vit-base-patch16-224", "{{IMAGE_FILE}}")))

# Zero-shot classification with candidate labels
print(json.dumps(query("facebook/bart-large-mnli", {
    "inputs": "Hi, I recently bought a device from your company but it is not working as advertised and I would like to get reimbursed!",
    "parameters": {"candidate_labels": ["refund", "legal", "faq"]},
})))
`;

export const seedJavaScript = `
import fs from "node:fs";

async function query(model, data) {
  const response = await fetch(
    "{{HF_URL}}/models/" + model,
    {
      headers: { Authorization: "Bearer hf_seedSnippetToken0123" },
      method: "POST",
      body: JSON.stringify(data),
    }
  );
  const result = await response.json();
  return result;
}

async function queryImage(model, filename) {
  const data = fs.readFileSync(filename);
  const response = await fetch(
    "{{HF_URL}}/models/" + model,
    {
      headers: { Authorization: "Bearer hf_seedSnippetToken0123" },
      method: "POST",
      body: data,
    }
  );
  const result = await response.json();
  return result;
}

console.log(JSON.stringify(await query("distilbert/distilbert-base-uncased-finetuned-sst-2-english", { inputs: "I like you. I love you" })));
console.log(JSON.stringify(await query("gpt2", { inputs: "The answer to the universe is", parameters: { max_new_tokens: 20, temperature: 0.7 } })));
console.log(JSON.stringify(await queryImage("google/vit-base-patch16-224", "{{IMAGE_FILE}}")));
console.log(JSON.stringify(await query("facebook/bart-large-mnli", {
  inputs: "Hi, I recently bought a device from your company but it is not working as advertised and I would like to get reimbursed!",
  parameters: { candidate_labels: ["refund", "legal", "faq"] },
})));
`;

export const seedEvolinkPython = `
import json
import time
import requests

API_KEY = "sk-evo-seedSnippetKey0123"
BASE_URL = "{{EVOLINK_URL}}"
headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}


def wait_for_task(task_id):
    while True:
        task = requests.get(f"{BASE_URL}/v1/tasks/{task_id}", headers=headers).json()
        if task["status"] == "completed":
            return task
        if task["status"] == "failed":
            raise RuntimeError(task["error"]["message"])
        time.sleep(0.5)


def generate_image(prompt):
    response = requests.post(
        f"{BASE_URL}/v1/images/generations",
        headers=headers,
        json={"model": "doubao-seedream-4.0", "prompt": prompt, "size": "16:9"},
    )
    task = response.json()
    print(json.dumps(task))
    return wait_for_task(task["id"])


def generate_video(prompt):
    response = requests.post(
        f"{BASE_URL}/v1/videos/generations",
        headers=headers,
        json={"model": "sora-2", "prompt": prompt, "aspect_ratio": "16:9"},
    )
    task = response.json()
    print(json.dumps(task))
    return wait_for_task(task["id"])


print(json.dumps(generate_image("A lighthouse at dawn, watercolor")))
print(json.dumps(generate_video("Waves rolling onto a beach at sunset")))
`;
