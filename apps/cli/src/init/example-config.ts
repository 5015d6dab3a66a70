import { configSchemaFileName } from '../runtime/config-json-schema';

/** What `infermux init` writes: a working config whose comments say what each part is for. */
export const exampleConfig = `# yaml-language-server: $schema=./${configSchemaFileName}
# infermux configuration, read by the CLI and the gateway. \`infermux config\` shows it resolved (secrets
# masked), \`infermux doctor\` checks it. Editors complete and check it from ${configSchemaFileName}
# (regenerate with \`infermux config schema > ${configSchemaFileName}\`).

# Providers by name. Tokens come from the environment, never from this file.
providers:
  hf: {} # Hugging Face: token from HF_TOKEN
  # evolink: { apiKeyEnv: EVOLINK_API_KEY }
  # openai: {} # OpenAI: key from OPENAI_API_KEY, base URL from OPENAI_BASE_URL or OpenAI's
  # local: { type: openai-compatible, baseURL: http://127.0.0.1:8000/v1 }

defaults:
  provider: hf
  revisionPolicy: warn # or strict / pinned-only: how unpinned model revisions are treated

# Routes: a name callers use instead of a model, with failover or load balancing across targets.
routes:
  sentiment:
    strategy: priority # first healthy target; also weighted, least-latency, least-outstanding, cost-aware
    targets:
      - { provider: hf, model: distilbert/distilbert-base-uncased-finetuned-sst-2-english }

retry: { maxAttempts: 3 } # 429, 5xx and network errors, with backoff

# The gateway (\`infermux serve\`).
server:
  host: 127.0.0.1
  port: 8080
  # ledger: { path: ./gateway.sqlite } # keys and usage (SQLite); default ~/.local/share/infermux/gateway.sqlite
  # keys: # callers' keys; the key itself is read from the named env variable
  #   - { name: my-app, keyEnv: MY_APP_GATEWAY_KEY, rpm: 60 }
  # cors: { origins: [https://app.example.com] } # let these sites' pages call the gateway (off by default)
`;
