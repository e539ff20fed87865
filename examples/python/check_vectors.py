#!/usr/bin/env python3
"""Checks agent.py's E2E functions against e2e-test-vectors.json (prints OK or fails)."""
import base64, json, pathlib, sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from agent import decrypt, derive_key, encrypt

path = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2] / "src/test/resources/e2e-test-vectors.json"
v = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
b64 = lambda raw: base64.b64encode(raw).decode()
phone = X25519PrivateKey.from_private_bytes(base64.b64decode(v["phone_private_key_b64"]))
agent = X25519PrivateKey.from_private_bytes(base64.b64decode(v["agent_private_key_b64"]))

assert b64(phone.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)) == v["phone_public_key_b64"]
assert b64(agent.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)) == v["agent_public_key_b64"]
assert b64(phone.exchange(agent.public_key())) == v["x25519_shared_secret_b64"]
key = derive_key(phone, v["agent_public_key_b64"])
assert key == derive_key(agent, v["phone_public_key_b64"])  # both sides derive the same key
assert b64(key) == v["aes_256_gcm_key_b64"]
plain = json.loads(v["plaintext_utf8"])
assert encrypt(key, plain, base64.b64decode(v["nonce_b64"])) == v["encrypted_payload"]
assert decrypt(key, v["encrypted_payload"]) == plain
print("OK: agent.py matches", path)
