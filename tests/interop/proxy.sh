#!/usr/bin/env bash
# Interop with a model server nobody here wrote: LiteLLM's proxy (pinned, from PyPI),
# answering offline from its mock mode, behind both of Draftloop's API kinds. Its OpenAI
# endpoint streams in chunks; its Anthropic Messages endpoint answers a streamed request
# with one whole JSON body. Either way the text must reach the person (the CLI's stdout,
# which the token sink writes) and be recorded: plain and streamed, one variant and
# several. Runs in the test session's keychain (a provider's key goes there).
# Expects target/debug/draftloop and target/proxyenv from scripts/setup.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CLI="$ROOT/target/debug/draftloop"
work="$(mktemp -d -t draftloop-proxy.XXXXXX)"
proxy=""
stop_proxy() {
  if [ -n "$proxy" ]; then
    kill "$proxy" 2>/dev/null || true
    wait "$proxy" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_proxy EXIT

TEXT="The launch went well. Readers loved the new dashboard, and sign-ups doubled."
cat > "$work/config.yaml" <<YAML
model_list:
  - model_name: mock-gpt
    litellm_params: {model: openai/mock-gpt, api_key: unused, mock_response: "$TEXT"}
  - model_name: mock-claude
    litellm_params: {model: anthropic/mock-claude, api_key: unused, mock_response: "$TEXT"}
general_settings:
  master_key: sk-draftloop-proxy-test
YAML

# Port 0: the OS picks a free one and the proxy's log says which.
# (The local cost map: the proxy would otherwise fetch it from the internet.)
LITELLM_LOCAL_MODEL_COST_MAP=True "$ROOT/target/proxyenv/bin/litellm" \
  --config "$work/config.yaml" --host 127.0.0.1 --port 0 > "$work/proxy.log" 2>&1 &
proxy=$!
port=""
while [ -z "$port" ]; do
  if ! kill -0 "$proxy" 2>/dev/null; then
    echo "proxy interop: LiteLLM's proxy did not start:" >&2
    cat "$work/proxy.log" >&2
    exit 1
  fi
  sleep 0.2
  port="$(sed -n 's|.*Uvicorn running on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/proxy.log")"
done
echo "proxy interop: LiteLLM $("$ROOT/target/proxyenv/bin/pip" show litellm | sed -n 's/^Version: //p') on port $port"

export PROXY_KEY=sk-draftloop-proxy-test
ws=(--data-dir "$work/ws")
"$CLI" "${ws[@]}" providers add proxy-openai --kind openai \
  --base-url "http://127.0.0.1:$port/v1" --model mock-gpt --api-key-env PROXY_KEY
"$CLI" "${ws[@]}" providers add proxy-anthropic --kind anthropic \
  --base-url "http://127.0.0.1:$port" --model mock-claude --api-key-env PROXY_KEY

recorded() {
  sqlite3 "$work/ws/draftloop.db" "SELECT count(*) FROM generations WHERE output = '$TEXT'"
}

for provider in proxy-openai proxy-anthropic; do
  for n in 1 3; do
    for mode in streamed plain; do
      flags=(-n "$n")
      [ "$mode" = plain ] && flags+=(--no-stream)
      before="$(recorded)"
      out="$("$CLI" "${ws[@]}" generate --provider "$provider" --prompt "How did the launch go?" "${flags[@]}" 2>/dev/null)"
      # Streamed, the first variant's text is on stdout only if the token sink had it.
      shown="$(grep -cxF "$TEXT" <<<"$out" || true)"
      after="$(recorded)"
      if [ "$shown" != "$n" ] || [ "$((after - before))" != "$n" ]; then
        echo "proxy interop: $provider, $mode, n=$n: $shown of $n variants shown, $((after - before)) recorded; stdout was:" >&2
        echo "$out" >&2
        exit 1
      fi
      echo "proxy interop: $provider, $mode, n=$n: every variant shown and recorded"
    done
  done
done
