"""A real SAML identity provider for the console's tests: pysaml2 signing with Debian's
xmlsec1, on loopback, offline (docs/rules/saml.md#testing).

    python idp.py PORT

GET  /metadata[?without_cert=1]  the IdP's metadata (signing certificate unless asked not to)
POST /response                   JSON {sp_metadata, in_response_to, name_id, attributes,
                                 variant} -> {"SAMLResponse": base64}, made now (assertions
                                 expire: tests make theirs when they need them)
GET  /sso?SAMLRequest=…          a browser's sign-in: a form asking who signs in
POST /sso                        -> an auto-posting form to the service provider's ACS

Keys are made at start (RSA 2048, self-signed): the IdP's, and another one for the
"signed by another key" case. Variants break one thing each, to see the console refuse it.
"""

import base64
import datetime
import html
import json
import os
import sys
import tempfile
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name
from saml2 import saml as saml_ns
from saml2.config import IdPConfig
from saml2.samlp import response_from_string
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory

PORT = int(sys.argv[1])
BASE = f"http://127.0.0.1:{PORT}"
ENTITY_ID = f"{BASE}/metadata"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
WORK = tempfile.mkdtemp(prefix="saml-idp-")


def make_key(name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file = os.path.join(WORK, f"{name}.key")
    cert_file = os.path.join(WORK, f"{name}.crt")
    with open(key_file, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_file, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


KEYS = {"idp": make_key("idp"), "other": make_key("other")}


def server(sp_metadata, key="idp"):
    key_file, cert_file = KEYS[key]
    config = IdPConfig()
    config.load({
        "entityid": ENTITY_ID,
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(f"{BASE}/sso", BINDING_HTTP_REDIRECT)]},
            "name_id_format": [saml_ns.NAMEID_FORMAT_EMAILADDRESS],
            "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                   "name_form": saml_ns.NAME_FORMAT_BASIC}},
        }},
        "key_file": key_file,
        "cert_file": cert_file,
        "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "allow_unknown_attributes": True,
    })
    return Server(config=config)


def metadata(with_cert=True):
    cert = open(KEYS["idp"][1]).read()
    body = "".join(l for l in cert.splitlines() if "CERTIFICATE" not in l)
    key = (
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        if with_cert else ""
    )
    return (
        '<?xml version="1.0"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{ENTITY_ID}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{key}"
        f'<md:NameIDFormat>{saml_ns.NAMEID_FORMAT_EMAILADDRESS}</md:NameIDFormat>'
        f'<md:SingleSignOnService Binding="{BINDING_HTTP_REDIRECT}" Location="{BASE}/sso"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def sp_entity_id(sp_metadata):
    start = sp_metadata.index('entityID="') + len('entityID="')
    return sp_metadata[start:sp_metadata.index('"', start)]


def iso(delta_seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_response(sp_metadata, in_response_to, name_id, attributes, variant="ok"):
    """A signed Response (response and assertion both signed) broken as `variant` says."""
    key = "other" if variant == "other_key" else "idp"
    idp = server(sp_metadata, key)
    sp = sp_entity_id(sp_metadata)
    acs = idp.metadata.assertion_consumer_service(sp, BINDING_HTTP_POST)[0]["location"]
    xml = idp.create_authn_response(
        identity={k: v if isinstance(v, list) else [v] for k, v in attributes.items()},
        in_response_to=in_response_to,
        destination=acs,
        sp_entity_id=sp,
        name_id=saml_ns.NameID(format=saml_ns.NAMEID_FORMAT_EMAILADDRESS, text=name_id),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
        sign_response=False,
        sign_assertion=False,
    )
    response = response_from_string(str(xml))
    assertion = response.assertion[0] if isinstance(response.assertion, list) else response.assertion
    conditions = assertion.conditions
    confirmation = assertion.subject.subject_confirmation[0].subject_confirmation_data
    if variant == "wrong_audience":
        conditions.audience_restriction[0].audience[0].text = "https://someone-else.example/saml"
    if variant == "no_audience":
        conditions.audience_restriction = []
    if variant == "wrong_recipient":
        confirmation.recipient = "https://someone-else.example/saml/acs"
        response.destination = "https://someone-else.example/saml/acs"
    if variant == "expired":
        for node in (conditions, confirmation):
            node.not_on_or_after = iso(-600)
        conditions.not_before = iso(-1200)
        response.issue_instant = assertion.issue_instant = iso(-1200)
    if variant == "future":
        conditions.not_before = iso(900)
        conditions.not_on_or_after = confirmation.not_on_or_after = iso(1500)
    sign_alg, digest_alg = (RSA_SHA1, SHA1) if variant == "sha1" else (RSA_SHA256, SHA256)
    to_sign = []
    if variant != "unsigned":
        cert = idp.sec.my_cert
        assertion.signature = pre_signature_part(assertion.id, cert, 1, sign_alg=sign_alg,
                                                 digest_alg=digest_alg)
        to_sign.append((class_name(assertion), assertion.id))
        response.signature = pre_signature_part(response.id, cert, 1, sign_alg=sign_alg,
                                                digest_alg=digest_alg)
        to_sign.append((class_name(response), response.id))
        signed = signed_instance_factory(response, idp.sec, to_sign)
    else:
        signed = str(response)
    if not isinstance(signed, str):
        signed = signed.to_string().decode() if hasattr(signed, "to_string") else str(signed)
    if variant == "tampered":
        first = list(attributes.values())[0]
        first = first[0] if isinstance(first, list) else first
        signed = signed.replace(f">{first}<", ">tampered-after-signing<", 1)
    if variant == "dtd":
        signed = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                  + signed.split("?>", 1)[-1])
    return base64.b64encode(signed.encode()).decode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, kind="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/metadata":
            self.answer(200, metadata("without_cert" not in query), "application/samlmetadata+xml")
        elif url.path == "/sso":
            self.sign_in_page(query)
        else:
            self.answer(404, "not found")

    def sign_in_page(self, query):
        request = query.get("SAMLRequest", "")
        fields = "".join(
            f'<input type="hidden" name="{n}" value="{html.escape(query.get(n, ""))}">'
            for n in ("SAMLRequest", "RelayState")
        )
        self.answer(200, (
            "<!doctype html><html lang=en><head><title>Test identity provider</title></head><body>"
            "<main><h1>Test identity provider</h1><form method=post action=/sso>"
            f"{fields}<label>Email <input name=email type=email required></label>"
            "<label>Role <input name=role></label>"
            "<label>Groups <input name=groups></label>"
            "<button type=submit>Sign in to the console</button></form></main></body></html>"
        ) if request else "no SAMLRequest")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        try:
            if self.path == "/response":
                args = json.loads(body)
                in_response_to = args.get("in_response_to")
                if args.get("saml_request"):
                    in_response_to = server(None).parse_authn_request(
                        args["saml_request"], BINDING_HTTP_REDIRECT).message.id
                saml = make_response(args["sp_metadata"], in_response_to,
                                     args["name_id"], args.get("attributes", {}),
                                     args.get("variant", "ok"))
                self.answer(200, json.dumps({"SAMLResponse": saml}), "application/json")
            elif self.path == "/sso":
                self.post_back(dict(urllib.parse.parse_qsl(body)))
            else:
                self.answer(404, "not found")
        except Exception as e:  # the test reads the reason
            self.answer(500, f"{type(e).__name__}: {e}", "text/plain")

    def post_back(self, form):
        """The browser's sign-in: read the request, make the response, post it back."""
        parsed = server(None).parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        request = parsed.message
        sp_metadata = urllib.request.urlopen(request.issuer.text, timeout=10).read().decode()
        email = form["email"]
        attributes = {"email": email}
        if form.get("role"):
            attributes["role"] = form["role"]
        if form.get("groups"):
            attributes["groups"] = [g.strip() for g in form["groups"].split(",") if g.strip()]
        saml = make_response(sp_metadata, request.id, email, attributes)
        acs = request.assertion_consumer_service_url
        self.answer(200, (
            "<!doctype html><html lang=en><head><title>Signing in…</title></head><body>"
            f'<form method=post action="{html.escape(acs)}">'
            f'<input type=hidden name=SAMLResponse value="{saml}">'
            f'<input type=hidden name=RelayState value="{html.escape(form.get("RelayState", ""))}">'
            "<noscript><button type=submit>Continue</button></noscript></form>"
            "<script>document.forms[0].submit()</script></body></html>"
        ))


if __name__ == "__main__":
    httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    print(f"listening {PORT}", flush=True)
    httpd.serve_forever()
