#!/usr/bin/env python3
"""Measures intent accuracy through a running server's POST /api/v1/nlu/parse.

usage: scripts/nlu_eval_http.py FILE.jsonl [--url http://127.0.0.1:8000]

Each line of FILE is {"text", "expected": [skill names]}. Prints the in-scope accuracy
(lines whose expected list is not just ["fallback"]) and the share of ["fallback"] lines
that get no action (intent "fallback" or a skill without an action, per GET /skills).
Standard library only; it registers a throwaway user on the server it measures.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


def call(url, method="GET", body=None, token=None, form=False):
    data, headers = None, {}
    if body is not None:
        if form:
            data = urllib.parse.urlencode(body).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
    if token:
        headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def main():
    args = sys.argv[1:]
    base = "http://127.0.0.1:8000"
    if "--url" in args:
        i = args.index("--url")
        base = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    api = base.rstrip("/") + "/api/v1"
    email, password = "eval-%s@example.com" % uuid.uuid4().hex[:12], uuid.uuid4().hex
    call(api + "/auth/register", "POST", {"email": email, "password": password})
    token = call(api + "/auth/token", "POST", {"username": email, "password": password}, form=True)["access_token"]
    acting = {s["name"] for s in call(api + "/skills", token=token)["skills"] if s.get("action")}

    in_total = in_right = oos_total = oos_quiet = 0
    with open(args[0]) as f:
        for line in f:
            row = json.loads(line)
            got = call(api + "/nlu/parse", "POST", {"text": row["text"]}, token=token)["intent"]
            if row["expected"] == ["fallback"]:
                oos_total += 1
                oos_quiet += got not in acting
            else:
                in_total += 1
                in_right += got in row["expected"]
    print("in-scope accuracy:       %.1f%% (%d/%d)" % (100.0 * in_right / max(in_total, 1), in_right, in_total))
    print("out-of-scope, no action: %.1f%% (%d/%d)" % (100.0 * oos_quiet / max(oos_total, 1), oos_quiet, oos_total))


if __name__ == "__main__":
    main()
