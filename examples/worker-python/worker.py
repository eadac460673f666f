#!/usr/bin/env python3
"""A Weft remote worker in plain Python 3 — the standard library only (urllib, json).

It registers the activity type `text.reverse` with a JSON Schema (so the designer's
palette shows it with a form), long-polls the server for tasks, heartbeats while it
works, and completes or fails each task by its task token. No SDK: the protocol is
four JSON POSTs (see docs/remote-workers.md).

    WEFT_URL=http://127.0.0.1:8787 python3 examples/worker-python/worker.py

Environment: WEFT_URL (default http://127.0.0.1:8787), WEFT_API_TOKEN (if the server
has one), WEFT_WORKER_ID (default python-<host>-<pid>), REVERSE_DELAY_S (seconds each
task takes; default 0 — for trying out heartbeats and crashes).
"""
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

WEFT_URL = os.environ.get("WEFT_URL", "http://127.0.0.1:8787").rstrip("/")
TOKEN = os.environ.get("WEFT_API_TOKEN", "")
WORKER_ID = os.environ.get("WEFT_WORKER_ID") or f"python-{socket.gethostname()}-{os.getpid()}"
DELAY_S = float(os.environ.get("REVERSE_DELAY_S", "0"))

ACTIVITIES = [
    {
        "name": "text.reverse",
        "title": "Reverse text",
        "description": "Reverses a text, character by character (served by a Python worker).",
        "category": "Text",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "description": "The text to reverse"}},
            "required": ["text"],
            "additionalProperties": False,
        },
        "outputSchema": {
            "type": "object",
            "properties": {"reversed": {"type": "string"}},
            "required": ["reversed"],
        },
    }
]


class NonRetryable(Exception):
    """Raise to fail the task without retries (bad input, say)."""


class Cancelled(Exception):
    """The server said the task is no longer ours (instance ended, or lease lost)."""


def reverse(task_input, task):
    if not isinstance(task_input, dict) or not isinstance(task_input.get("text"), str):
        raise NonRetryable("text.reverse needs {\"text\": \"...\"}")
    deadline = time.monotonic() + DELAY_S
    while time.monotonic() < deadline:  # a long job checks, now and then, whether it should stop
        if task["cancelled"].is_set():
            raise Cancelled()
        time.sleep(0.05)
    return {"reversed": task_input["text"][::-1]}


HANDLERS = {"text.reverse": reverse}


def post(path, body, timeout=35.0):
    """POSTs JSON; returns (status, parsed body)."""
    request = urllib.request.Request(
        WEFT_URL + path,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"content-type": "application/json", **({"authorization": f"Bearer {TOKEN}"} if TOKEN else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8")
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, {"detail": text}


def log(message):
    print(f"[{WORKER_ID}] {message}", flush=True)


def heartbeat_until_done(task, done):
    """Extends the lease every leaseMs/3; a 409 means stop: the result is no longer wanted."""
    every = max(task["leaseMs"] / 3000.0, 0.05)
    while not done.wait(every):
        status, body = post("/api/workers/tasks/heartbeat", {"taskToken": task["taskToken"]}, timeout=10)
        if status == 409:
            log(f"task {task['taskId']} cancelled: {body.get('detail')}")
            task["cancelled"].set()
            return


def run_task(task):
    task["cancelled"] = threading.Event()
    done = threading.Event()
    log(f"working on task {task['taskId']} of {task['instanceId']} ({task['activity']}, attempt {task['attempt']})")
    beat = threading.Thread(target=heartbeat_until_done, args=(task, done), daemon=True)
    beat.start()
    try:
        result = HANDLERS[task["activity"]](task["input"], task)
        outcome = ("/api/workers/tasks/complete", {"taskToken": task["taskToken"], "result": result})
    except Cancelled:
        return
    except NonRetryable as error:
        outcome = ("/api/workers/tasks/fail", {"taskToken": task["taskToken"], "error": {"name": "NonRetryable", "message": str(error), "nonRetryable": True}})
    except Exception as error:  # anything else is retried by the workflow's retry policy
        outcome = ("/api/workers/tasks/fail", {"taskToken": task["taskToken"], "error": {"name": type(error).__name__, "message": str(error)}})
    finally:
        done.set()
    status, body = post(*outcome, timeout=30)
    if status == 200:
        log(f"task {task['taskId']} {'completed' if outcome[0].endswith('complete') else 'failed'}")
    else:  # 409: the lease was lost or the instance ended; the server did not lose the task
        log(f"task {task['taskId']}: result not taken ({status}): {body.get('detail') if body else ''}")


def main():
    while True:
        try:
            status, body = post("/api/workers/activities", {"activities": ACTIVITIES}, timeout=10)
            if status != 200:
                sys.exit(f"registration refused ({status}): {body}")
            break
        except OSError as error:  # the server is not up yet
            log(f"cannot reach {WEFT_URL}: {error}; retrying")
            time.sleep(1)
    log(f"registered {', '.join(a['name'] for a in ACTIVITIES)} at {WEFT_URL}")
    names = [a["name"] for a in ACTIVITIES]
    while True:
        try:
            status, body = post("/api/workers/poll", {"workerId": WORKER_ID, "activities": names, "waitMs": 20000}, timeout=35)
        except OSError as error:
            log(f"poll failed: {error}; retrying")
            time.sleep(1)
            continue
        if status != 200:
            log(f"poll refused ({status}): {body}")
            time.sleep(1)
            continue
        for task in body["tasks"]:
            run_task(task)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
