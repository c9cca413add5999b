"""Helpers of the front-target tests: a throw-away build store (content-addressed files, as the
publisher's), reading a served tree, a free port. No database: targets only see paths and files."""

import hashlib
import os
import socket


class Store:
    """Files named by their SHA-256, like ``publishing.store`` (without Django settings)."""

    def __init__(self, root):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def __call__(self, data: bytes | str):
        data = data.encode() if isinstance(data, str) else data
        path = self.root / hashlib.sha256(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
        return path

    def writes(self, files: dict) -> dict:
        return {rel: self(content) for rel, content in files.items()}


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def read_tree(root) -> dict[str, str]:
    """``{relative path: text}`` of every file under ``root`` (following the site symlink)."""
    result = {}
    root = os.path.realpath(root)
    for folder, _, files in os.walk(root):
        for name in files:
            full = os.path.join(folder, name)
            with open(full, encoding="utf-8") as fh:
                result[os.path.relpath(full, root)] = fh.read()
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
