#!/usr/bin/env python3
"""A CoralMux agent in one file: end-to-end encrypted echo (see docs/protocol.md).

RELAY_URL=ws://127.0.0.1:8080/ws RELAY_TOKEN=oc_pair_... python3 agent.py
"""
import asyncio, base64, json, os, sys, time, uuid

import websockets
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def envelope(kind, payload):
    return json.dumps({"v": 1, "type": kind, "id": str(uuid.uuid4()), "ts": int(time.time() * 1000), "payload": payload})


def derive_key(private, peer_pubkey_b64):  # X25519, then HKDF-SHA256 to an AES-256 key
    secret = private.exchange(X25519PublicKey.from_public_bytes(base64.b64decode(peer_pubkey_b64)))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"openclaw-relay-e2e-v1", info=b"chat-encryption").derive(secret)


def encrypt(key, payload, nonce=None):  # AES-256-GCM, 12-byte nonce, tag appended, no associated data
    nonce = nonce or os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(payload, ensure_ascii=False).encode(), None)
    return {"enc": True, "ciphertext": base64.b64encode(sealed).decode(), "nonce": base64.b64encode(nonce).decode()}


def decrypt(key, payload):  # raises on plaintext, a wrong key or tampering
    if payload.get("enc") is not True:
        raise ValueError("not encrypted")
    nonce, sealed = base64.b64decode(payload["nonce"]), base64.b64decode(payload["ciphertext"])
    return json.loads(AESGCM(key).decrypt(nonce, sealed, None))


async def serve(url, token):
    private = X25519PrivateKey.generate()  # a fresh key pair for every connection
    own = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    key = peer_key = None
    async with websockets.connect(url, max_size=6 * 1024 * 1024) as ws:
        await ws.send(envelope("auth", {"token": token, "role": "agent"}))
        async for frame in ws:
            msg = json.loads(frame)
            kind, payload = msg["type"], msg.get("payload") or {}
            print("<-", kind, flush=True)  # never print payloads: they are the user's
            if kind == "auth.fail":
                sys.exit(f"auth failed: {payload.get('code')} {payload.get('message')}")
            if (kind == "auth.ok" and payload.get("paired")) or (kind == "status" and payload.get("peer") == "online"):
                key = peer_key = None  # a peer that (re)appears has a new key: offer ours
                await ws.send(envelope("key_exchange", {"pubkey": own}))
            elif kind == "status":  # the phone left
                key = peer_key = None
            elif kind == "key_exchange" and payload.get("pubkey") != peer_key:
                peer_key, key = payload["pubkey"], derive_key(private, payload["pubkey"])
                await ws.send(envelope("key_exchange", {"pubkey": own}))  # answer every new peer key
            elif kind == "chat.send":
                try:
                    text = decrypt(key, payload)["text"]
                except Exception as e:  # no key yet, plaintext, or tampered: never answer in clear
                    print("refused a chat.send:", type(e).__name__, flush=True)
                    continue
                reply = "echo: " + text
                await ws.send(envelope("chat.stream", encrypt(key, {"delta": reply, "seq": 1})))
                await ws.send(envelope("chat.done", encrypt(key, {"full_text": reply})))
            elif kind == "chat.error":
                print("error:", payload.get("code"), payload.get("message"), flush=True)


async def main():
    while True:  # reconnect after a drop (the relay closes with 1001 when it drains, 4409 on takeover)
        try:
            await serve(os.environ["RELAY_URL"], os.environ["RELAY_TOKEN"])
        except websockets.exceptions.ConnectionClosed as e:
            if e.rcvd and e.rcvd.code in (4401, 4409):  # token revoked/expired, or replaced: stop
                sys.exit(f"closed for good: {e.rcvd.code} {e.rcvd.reason}")
            print("disconnected:", e, flush=True)
        except (OSError, websockets.exceptions.WebSocketException) as e:
            print("cannot connect:", e, flush=True)
        await asyncio.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())
