"""The Vipps MobilePay API definitions as Vipps published them (tests/vipps_openapi/, see its
SOURCE.md) turned into checks: every request the site's client sends to the fake, every answer
the fake gives and every webhook it sends is validated against them with openapi-core.

The fake (tests/fake_vipps/) calls these on every exchange and keeps what they find in
`violations`; the `fake_vipps` fixture fails the test when any is left, so neither the client nor
the fake can drift from the published API unnoticed."""

import functools
import json
import re
from pathlib import Path

import jsonschema
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse

HERE = Path(__file__).parent / "vipps_openapi"
# Answers the definitions leave out because the API gateway in front of every API gives them:
# an unknown or expired token, an unknown id, too many requests, an outage. The fake may give
# them, as problem details.
GATEWAY_STATUSES = {401, 404, 429, 500, 502, 503, 504}
# Which definition describes a path (all are published under https://apitest.vipps.no).
TEST_SERVER = "https://apitest.vipps.no"
DEFINITIONS = {
    "/accesstoken/": "access-token.yaml",
    "/epayment/": "epayment.v1.yaml",
    "/recurring/": "recurring.v3.yaml",
    "/webhooks/": "webhooks.v1.yaml",
}


class _Yaml12Loader(yaml.SafeLoader):
    """YAML as OpenAPI 3 reads it (YAML 1.2): only true and false are booleans, so the country
    code NO in recurring.v3.yaml stays "NO" rather than becoming False as in YAML 1.1."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)

# Evident slips in the published files, put right in memory (the files stay as published):
# (file, path to the value, the published value, the value used, why).
ERRATA = [
    (
        "epayment.v1.yaml",
        ("components", "responses", "AdjustResponse", "content"),
        "application/problem+json",
        "application/json",
        "the 200 answer of capture, cancel and refund is the adjusted payment, not a problem",
    ),
    (
        "recurring.v3.yaml",
        ("components", "schemas", "ChargeResponseV3", "properties", "transactionId", "pattern"),
        r"^\d{10+}$",
        r"^\d{10,}$",
        "'{10+}' is no quantifier: as published no transaction id could match",
    ),
    (
        "recurring.v3.yaml",
        ("components", "schemas", "pricingResponse", "discriminator"),
        {"propertyName": "type"},
        {
            "propertyName": "type",
            "mapping": {
                "LEGACY": "#/components/schemas/LegacyPricingResponse",
                "VARIABLE": "#/components/schemas/VariableAmountPricingResponse",
            },
        },
        "without a mapping the discriminator looks for schemas named LEGACY and VARIABLE",
    ),
]


def _load(name):
    data = yaml.load((HERE / name).read_text(), Loader=_Yaml12Loader)  # noqa: S506 - safe loader
    for file, path, published, corrected, _why in ERRATA:
        if file != name:
            continue
        *parents, last = path
        node = functools.reduce(lambda node, key: node[key], parents, data)
        if isinstance(node[last], dict) and isinstance(published, str):  # rename a key
            assert published in node[last], (file, path)
            node[last] = {corrected: node[last].pop(published)}
        else:
            assert node[last] == published, (file, path)
            node[last] = corrected
    return data


@functools.cache
def definition(name):
    return OpenAPI.from_dict(
        _load(name),
        base_uri=(HERE / name).as_uri(),
        # RFC 7807 problem details are JSON; openapi-core does not know the type by itself.
        config=Config(extra_media_type_deserializers={"application/problem+json": json.loads}),
    )


def definition_for(path):
    """The definition of the API a path belongs to, or None for a path of none."""
    for prefix, name in DEFINITIONS.items():
        if path.startswith(prefix):
            return definition(name)
    return None


def _mock_request(path, method, headers, body):
    return MockRequest(
        TEST_SERVER,
        method,
        path,
        headers=headers,
        data=body or None,
        content_type=headers.get("content-type", "application/json").split(";")[0],
    )


def _errors(error):
    """The reasons openapi-core gives, one readable line each."""
    found, current, seen = [], error, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for inner in getattr(current, "schema_errors", None) or []:
            where = "/".join(map(str, inner.absolute_path)) or "(body)"
            found.append(f"{where}: {inner.message}")
        current = current.__cause__ or current.__context__
    return found or [f"{type(error).__name__}: {error}"]


def request_problems(method, path, headers, body):
    """What in a request (headers with lower-case names, the raw body) the definitions do not
    allow; [] when it is valid."""
    spec = definition_for(path)
    if spec is None:
        return [f"{method} {path} is in none of the published definitions"]
    try:
        spec.validate_request(_mock_request(path, method, headers, body))
    except Exception as error:  # noqa: BLE001 - every kind of finding is reported
        return _errors(error)
    return []


def response_problems(method, path, headers, body, status, answer, content_type):
    """What in an answer (status, JSON text) to that request the definitions do not allow."""
    spec, request = definition_for(path), _mock_request(path, method, headers, body)
    response = MockResponse(answer.encode(), status_code=status, content_type=content_type)
    try:
        spec.validate_response(request, response)
    except ResponseNotFound as error:
        if status in GATEWAY_STATUSES and "title" in json.loads(answer or "{}"):
            return []
        return _errors(error)
    except Exception as error:  # noqa: BLE001 - every kind of finding is reported
        return _errors(error)
    return []


@functools.cache
def _webhook_schemas():
    """ePayment's WebhookEvent from its definition; the Recurring events from the schema
    written down from Vipps's published event list (recurring-webhooks.schema.yaml)."""
    epayment = yaml.safe_load((HERE / "epayment.v1.yaml").read_text())
    recurring = yaml.safe_load((HERE / "recurring-webhooks.schema.yaml").read_text())
    components = epayment["components"]["schemas"]
    epayment_schema = {
        **components["WebhookEvent"],
        "components": {"schemas": components},
    }
    return _openapi_refs(epayment_schema), recurring


def _openapi_refs(schema):
    """OpenAPI's `nullable` in plain JSON Schema (its '#/components/schemas/X' refs resolve as
    they are, the components being kept beside the schema)."""

    def fix(node):
        if isinstance(node, dict):
            node = {key: fix(value) for key, value in node.items()}
            if node.pop("nullable", False) and "type" in node:
                node["type"] = [node["type"], "null"]
            return node
        if isinstance(node, list):
            return [fix(item) for item in node]
        return node

    return fix(schema)


def webhook_problems(payload):
    """What in a webhook's JSON body the published event definitions do not allow."""
    epayment, recurring = _webhook_schemas()
    schema = epayment
    if isinstance(payload, dict) and "agreementId" in payload:
        kind = "ChargeEvent" if "chargeId" in payload else "AgreementEvent"
        schema = {"$ref": f"#/$defs/{kind}", "$defs": recurring["$defs"]}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"webhook {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(payload)
    ]
