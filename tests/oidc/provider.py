"""A real OpenID Provider on loopback (npm ``oidc-provider``, OpenID-certified), started by the
sign-in tests, and a browser-less way through its login and consent pages (its development
interactions)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".tools" / "node_modules"
REDIRECT = "http://127.0.0.1:3000/auth/callback"
SECRET = "a-long-client-secret-for-tests-only"
ACCOUNTS = {
    "aiko": {
        "oid": "00000000-0000-0000-0000-0000000000a1",
        "tid": "tenant-1",
        "email": "aiko@contoso.example",
        "preferred_username": "aiko@contoso.example",
        "name": "Aiko Contoso",
        "roles": ["certportal.lead"],
    },
    "stranger": {
        "oid": "00000000-0000-0000-0000-0000000000b2",
        "tid": "tenant-9",
        "email": "stranger@fabrikam.example",
        "preferred_username": "stranger@fabrikam.example",
        "name": "Stranger Fabrikam",
    },
    "local": {
        "oid": "00000000-0000-0000-0000-0000000000c3",
        "tid": "tenant-1",
        "email": "local.person@contoso.example",
        "preferred_username": "local.person@contoso.example",
        "name": "Local Person",
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Provider:
    base: str
    process: subprocess.Popen[bytes]

    @property
    def discovery_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"


def start_provider(tenant: str = "tenant-1", redirect: str = REDIRECT) -> Provider:
    if not (NODE_MODULES / "oidc-provider").exists():
        pytest.fail("oidc-provider is missing: `make test-setup` installs it into .tools")
    port = _free_port()
    clients = [
        {
            "client_id": client_id,
            "client_secret": SECRET,
            "redirect_uris": [redirect],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        }
        for client_id in ("certportal", "other-app")
    ]
    env = {
        **os.environ,
        "PORT": str(port),
        "TENANT": tenant,
        "CLIENTS": json.dumps(clients),
        "ACCOUNTS": json.dumps(ACCOUNTS),
        "OIDC_PROVIDER_ENTRY": str(NODE_MODULES / "oidc-provider" / "lib" / "index.js"),
        "NODE_NO_WARNINGS": "1",
    }
    process = subprocess.Popen(
        ["node", str(Path(__file__).with_name("op.mjs"))],
        cwd=ROOT / ".tools",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{tenant}/v2.0"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return Provider(base=base, process=process)
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("the OpenID provider did not start")


def log_in(authorization_url: str, account: str) -> dict[str, str]:
    """Go through the provider's login and consent pages as ``account``; the callback's query."""
    with httpx.Client(timeout=10, follow_redirects=False) as browser:
        url = authorization_url
        for _ in range(12):
            response = browser.get(url)
            if response.status_code in (302, 303):
                location = urljoin(url, response.headers["location"])
                if location.startswith(REDIRECT):
                    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
                url = location
                continue
            page = response.text
            action = re.search(r'<form[^>]*action="([^"]+)"', page)
            assert action, page[:500]
            target = urljoin(url, action.group(1))
            fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
            if 'name="login"' in page:
                fields.update({"login": account, "password": "any"})
            posted = browser.post(target, data=fields)
            assert posted.status_code in (302, 303), posted.text[:300]
            url = urljoin(target, posted.headers["location"])
            if url.startswith(REDIRECT):
                return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        raise AssertionError("never came back to the app")
