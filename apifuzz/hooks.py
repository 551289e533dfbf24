"""Schemathesis hooks for Tandem's API fuzzing (run.sh loads this module
through SCHEMATHESIS_HOOKS).

How it works
------------
run.sh runs schemathesis once per demo account. Before that, prepare.py
signed every account in, gave it an API token and recorded every identifier
each account can list through the API (see prepare.py). This module reads
that record ($TANDEM_FUZZ_CONTEXT) and the account being fuzzed
($TANDEM_FUZZ_ACCOUNT) and splits the identifiers into

- own: those the account listed itself (it may legitimately use them), and
- foreign: those it did not list that belong to another institution, or
  that are another account's private records (relationships, requests,
  rounds, cases, proposals), even within its own institution.

Random strings and UUIDs almost never name a real record, so on their own
they only ever reach "not found". Two hooks therefore swap real identifiers
into what schemathesis generates, each a third of the time:

- `flatmap_path_parameters`: a path parameter becomes the generated value,
  an own identifier of the kind the path names (a relationship for
  /relationships/{id}, a person for /mentors/{id}, a slug for {slug}, ...)
  or a foreign one of that kind. Own identifiers let the fuzzer reach the
  handlers' real work; foreign ones probe isolation.
- `flatmap_body`: the same for identifier fields of JSON bodies
  (`mentor_id`, the people of a round's cohort, locks and rankings).

A value is only swapped where the generated one was valid for its
parameter, so a negative case (meant to be rejected) keeps what made it
negative.

The custom check `no_foreign_identifier` then fails any 2xx answer to a
request that carried (in its path, query or body) an identifier foreign to
the account: another institution's record, or another user's private
record, must be refused (403 or 404), never served or acted on.
"""

from __future__ import annotations

import atexit
import json
import os
import re

import schemathesis
from hypothesis import strategies as st

PRIVATE_KINDS = {"relationship", "request", "round", "case", "proposal"}
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# The kind of record a path's {id} names, from the segment before it.
SEGMENT_KINDS = {
    "people": "person",
    "mentors": "person",
    "divisions": "division",
    "departments": "department",
    "relationships": "relationship",
    "health": "relationship",  # /program/health/{id}
    "cases": "case",
    "requests": "request",
    "proposals": "proposal",
    "rounds": "round",
}

# JSON body fields that carry a person's id (alone or in lists and pairs).
PERSON_FIELDS = re.compile(r"(^|_)(mentor|mentee|person|people|cohort|ranking|locks|forbids|secondary)", re.I)


def _load():
    path = os.environ.get("TANDEM_FUZZ_CONTEXT")
    account = os.environ.get("TANDEM_FUZZ_ACCOUNT")
    if not path or not account:
        raise RuntimeError("hooks.py needs TANDEM_FUZZ_CONTEXT and TANDEM_FUZZ_ACCOUNT (run.sh sets both)")
    with open(path, encoding="utf-8") as handle:
        context = json.load(handle)
    accounts = context["accounts"]
    me = accounts[account]
    own: dict[str, set[str]] = {}
    for ident, kind in me["ids"].items():
        own.setdefault(kind, set()).add(ident)
    own_all = set(me["ids"])
    foreign: dict[str, tuple[str, str]] = {}  # id -> (kind, whose)
    for other, seen in accounts.items():
        if other == account:
            continue
        for ident, kind in seen["ids"].items():
            if ident in own_all:
                continue
            if seen["institution"] != me["institution"] or kind in PRIVATE_KINDS:
                foreign.setdefault(ident, (kind, other))
        if seen["institution"] and seen["institution"] != me["institution"]:
            foreign.setdefault(seen["institution"], ("institution", other))
    if me["institution"]:
        own["slug"] = {me["institution"]}
    by_kind: dict[str, list[str]] = {}
    for ident, (kind, _) in foreign.items():
        by_kind.setdefault("slug" if kind == "institution" else kind, []).append(ident)
    return (
        account,
        {k: sorted(v) for k, v in own.items()},
        {k: sorted(v) for k, v in by_kind.items()},
        foreign,
    )


ACCOUNT, OWN, FOREIGN_BY_KIND, FOREIGN = _load()

# run.sh's self-test: told that the account's own identifiers are foreign,
# the check must fail the account's successful reads of its own records;
# if it does not, the check is not wired in and the run stops.
if os.environ.get("APIFUZZ_SELFTEST") == "1":
    for _kind, _idents in OWN.items():
        for _ident in _idents:
            FOREIGN.setdefault(_ident, (_kind, f"{ACCOUNT} (self-test)"))


def _kind_of(path: str, name: str) -> str | None:
    if name == "slug":
        return "slug"
    segments = path.strip("/").split("/")
    marker = "{" + name + "}"
    if marker in segments:
        at = segments.index(marker)
        if at > 0:
            return SEGMENT_KINDS.get(segments[at - 1])
    return None


def _valid_for(kind: str, value) -> bool:
    """Whether a generated value could have been a real identifier of the
    kind, so that swapping it keeps a negative case negative."""
    if not isinstance(value, str):
        return False
    return kind == "slug" or bool(UUID_RE.match(value))


def _swap(kind: str, generated):
    """The generated value, an own identifier of the kind, or a foreign one,
    as one strategy (hypothesis picks, and shrinks towards the first)."""
    options = [st.just(generated)]
    if OWN.get(kind):
        options.append(st.sampled_from(OWN[kind]))
    if FOREIGN_BY_KIND.get(kind):
        options.append(st.sampled_from(FOREIGN_BY_KIND[kind]))
    return st.one_of(options)


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path if context.operation else ""
    fields = {}
    for name, value in path_parameters.items():
        kind = _kind_of(path, name)
        if kind and _valid_for(kind, value):
            fields[name] = _swap(kind, value)
        else:
            fields[name] = st.just(value)
    return st.fixed_dictionaries(fields)


def _person_swaps(value, under_person_field: bool):
    """A strategy for a JSON body in which each UUID string under a
    person-carrying field may become an own or foreign person id."""
    if isinstance(value, dict):
        keys = list(value)
        return st.fixed_dictionaries(
            {k: _person_swaps(value[k], under_person_field or bool(PERSON_FIELDS.search(k))) for k in keys}
        )
    if isinstance(value, list):
        return st.tuples(*[_person_swaps(v, under_person_field) for v in value]).map(list)
    if under_person_field and _valid_for("person", value):
        return _swap("person", value)
    return st.just(value)


@schemathesis.hook
def flatmap_body(context, body):
    return _person_swaps(body, False)


def _identifiers_in(value, out: list[str]) -> None:
    if isinstance(value, dict):
        for inner in value.values():
            _identifiers_in(inner, out)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _identifiers_in(inner, out)
    elif isinstance(value, str):
        key = value.lower() if UUID_RE.match(value) else value
        if key in FOREIGN:
            out.append(key)


# How the requests that carried a foreign identifier were answered, by
# status, written at exit to $TANDEM_FUZZ_PROBES for run.sh's summary (so a
# run shows that the check had something to check).
PROBES: dict[int, int] = {}


@atexit.register
def _write_probes() -> None:
    path = os.environ.get("TANDEM_FUZZ_PROBES")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(PROBES, handle)


@schemathesis.check
def no_foreign_identifier(ctx, response, case):
    """A request carrying an identifier the account may not see (another
    institution's record, or another user's private record) must not
    succeed."""
    carried: list[str] = []
    for part in (case.path_parameters, case.query, case.body):
        if part is not None and not isinstance(part, (bytes, bytearray)):
            _identifiers_in(part, carried)
    if carried:
        PROBES[response.status_code] = PROBES.get(response.status_code, 0) + 1
    if carried and 200 <= response.status_code < 300:
        described = ", ".join(f"{FOREIGN[i][0]} {i} (seen by {FOREIGN[i][1]})" for i in sorted(set(carried)))
        raise AssertionError(
            f"{ACCOUNT} got {response.status_code} for a request carrying what it may not see: {described}"
        )
    return None
