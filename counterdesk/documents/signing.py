"""Ed25519 keys of a hall: made once at ``init``, the private key kept owner-only under ``data/keys``.

A hall signs every package it writes; the receiving hall verifies with the sender's public key,
registered beforehand (``counterdesk hall trust``). Nothing secret ever has to travel between
halls: only public keys do, and a public key that leaks lets nobody sign.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from counterdesk.domain.errors import InvalidInput, StorageError

PUBLIC_KEY_BYTES = 32


def key_paths(data_dir: Path, hall_code: str) -> tuple[Path, Path]:
    """Where a hall's private and public key live: ``<data>/keys/<code>.key`` and ``.pub``."""
    folder = Path(data_dir) / "keys"
    return folder / f"{hall_code}.key", folder / f"{hall_code}.pub"


def ensure_key_pair(data_dir: Path, hall_code: str) -> str:
    """The hall's public key (base64), making the pair first when there is none yet."""
    private_path, public_path = key_paths(data_dir, hall_code)
    if not private_path.exists():
        private_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        _write_new(private_path, pem, 0o600)
    public = public_key_text(load_private_key(private_path).public_key())
    if not public_path.exists() or public_path.read_text(encoding="ascii").strip() != public:
        _write_new(public_path, (public + "\n").encode("ascii"), 0o644, replace=True)
    return public


def _write_new(path: Path, content: bytes, mode: int, *, replace: bool = False) -> None:
    if replace:
        path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The hall's private key; a missing or unreadable key file is named in one sentence."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise StorageError(f"无法读取本大厅的签名私钥 {path}，请运行 counterdesk init 重新生成。",
                           code="hall_key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise StorageError(f"{path} 不是 Ed25519 私钥。", code="hall_key")
    return key


def public_key_text(key: Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes (what ``hall trust`` reads and the table stores)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key written as ``public_key_text`` gives it, refused in Chinese otherwise."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != PUBLIC_KEY_BYTES:
        raise InvalidInput("公钥格式不对：应为 counterdesk init 生成的 .pub 文件内容（44 个字符）。",
                           code="public_key", field="public_key")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(private_key: Ed25519PrivateKey, message: bytes) -> str:
    """The signature of ``message`` as base64."""
    return base64.b64encode(private_key.sign(message)).decode("ascii")


def verify(public_key_b64: str, message: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the registered key's signature of ``message``."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        parse_public_key(public_key_b64).verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError, InvalidInput):
        return False
    return True
