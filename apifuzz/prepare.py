"""Signs in as demo accounts, gives each a personal API token, and records
which identifiers each account can see, for the fuzzer's hooks.

Usage: python prepare.py BASE_URL PASSWORD OUT.json ACCOUNT...

For each account it signs in through the real sign-in form (as a browser
would: the form's CSRF token, then the session cookie), creates an API
token on the settings page, and then, with that token, walks the JSON API's
listings (its institution's directory, its relationships, requests, rounds,
the health console). Every identifier found on the way is recorded with its
kind (person, relationship, request, ...) and the account that saw it.

hooks.py reads OUT.json: an identifier is *foreign* to account X when X did
not see it itself and it is either another institution's record or a
private record (relationship, request, round, case, proposal) of another
account. Requests made as X carrying a foreign identifier must not succeed.
"""

from __future__ import annotations

import json
import re
import sys
import time

import requests

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# The kind of an identifier found under a key. "id" takes the kind of the
# listing it was found in (see LISTINGS).
KEY_KINDS = {
    "person_id": "person",
    "other_id": "person",
    "mentor_id": "person",
    "mentee_id": "person",
    "author_id": "person",
    "relationship_id": "relationship",
    "division_id": "division",
    "department_id": "department",
    "case_id": "case",
    "open_case": "case",
    "round_id": "round",
    "request_id": "request",
    "proposal_id": "proposal",
}

# Kinds that are private to the accounts that can list them, even inside one
# institution. People, departments and divisions are in the institution's
# directory; they are foreign only to the other institution.
PRIVATE_KINDS = {"relationship", "request", "round", "case", "proposal"}

SIGN_IN_TRIES = 5


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """A browser-like session signed in as `username` through the form."""
    for _ in range(SIGN_IN_TRIES):
        browser = requests.Session()
        page = browser.get(f"{base}/sign-in", timeout=30)
        page.raise_for_status()
        csrf = csrf_in(page.text)
        answer = browser.post(
            f"{base}/sign-in",
            data={"username": username, "password": password, "csrf": csrf, "next": "/"},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code == 303:
            return browser
        if answer.status_code == 429:
            # Sign-in is limited per address (6 a minute); wait as the
            # server says, then try again.
            time.sleep(int(answer.headers.get("retry-after", "10")) + 1)
            continue
        raise SystemExit(f"sign-in as {username} failed: {answer.status_code}")
    raise SystemExit(f"sign-in as {username} kept being rate limited")


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def api_token(base: str, browser: requests.Session, username: str) -> str:
    """Creates a personal API token on the settings page and returns it."""
    settings = browser.get(f"{base}/settings", timeout=30)
    settings.raise_for_status()
    created = browser.post(
        f"{base}/settings/tokens",
        data={"name": "apifuzz", "csrf": csrf_in(settings.text)},
        timeout=30,
    )
    created.raise_for_status()
    match = re.search(r"(tdm_[A-Za-z0-9_-]+)", created.text)
    if not match:
        raise SystemExit(f"no API token shown after creating one for {username}")
    return match.group(1)


def collect(value, default_kind: str, found: dict[str, str]) -> None:
    """Every UUID under `value`, by kind (first kind found wins)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "id":
                kind = default_kind
            else:
                kind = KEY_KINDS.get(key)
            if kind and isinstance(inner, str) and UUID_RE.match(inner):
                found.setdefault(inner.lower(), kind)
            elif isinstance(inner, (dict, list)):
                # Nested objects keep the listing's kind for a bare "id"
                # only when they are the listing's items; a nested object
                # under a named key is something else, so its "id" is skipped.
                collect(inner, default_kind if isinstance(inner, list) else "", found)
    elif isinstance(value, list):
        for inner in value:
            collect(inner, default_kind, found)


def visible(base: str, token: str) -> dict:
    """What an account can list through the API, with its token."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"

    def get(path: str):
        response = api.get(f"{base}/api/v1{path}", timeout=60)
        return response.json() if response.status_code == 200 else None

    me = get("/me") or {}
    slug = (me.get("institution") or {}).get("slug")
    found: dict[str, str] = {}
    if me.get("person_id"):
        found[me["person_id"].lower()] = "person"
    listings = [
        ("/me/relationships", "relationship"),
        ("/me/requests", "request"),
        ("/rounds", "round"),
        ("/program/health", "relationship"),
        ("/me/suggestions", "person"),
    ]
    if slug:
        listings += [
            (f"/institutions/{slug}/departments", "department"),
            (f"/institutions/{slug}/divisions", "division"),
            (f"/institutions/{slug}/people", "person"),
        ]
    for path, kind in listings:
        body = get(path)
        if body is not None:
            collect(body, kind, found)
    return {"username": me.get("username"), "institution": slug, "ids": found}


def main() -> None:
    base, password, out, *accounts = sys.argv[1:]
    result = {"base": base, "accounts": {}}
    for username in accounts:
        browser = sign_in(base, username, password)
        token = api_token(base, browser, username)
        seen = visible(base, token)
        if seen["username"] != username:
            raise SystemExit(f"the token for {username} is not {username}'s: {seen['username']}")
        result["accounts"][username] = {"token": token, **seen}
        kinds: dict[str, int] = {}
        for kind in seen["ids"].values():
            kinds[kind] = kinds.get(kind, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"  {username} ({seen['institution']}): sees {summary}")
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
