//! The SAML documents themselves, read and checked with samael (xmlsec, blocking C: every
//! function here runs on the blocking pool): the identity provider's metadata, our
//! service-provider metadata, sign-in requests, and responses.

use crate::domain::saml::{
    SamlFailure, SamlIdentity, ServiceProviderValues, CLOCK_SKEW, NAME_ID_EMAIL,
};
use samael::crypto::AllowedSignatureAlgorithm;
use samael::metadata::{
    EntityDescriptor, IndexedEndpoint, SpSsoDescriptor, HTTP_POST_BINDING, HTTP_REDIRECT_BINDING,
};
use samael::schema::{Assertion, Response};
use samael::service_provider::{ServiceProvider, ServiceProviderBuilder};
use samael::traits::ToXml;

/// What the console keeps of an identity provider's metadata.
#[derive(Debug, Clone)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// Where sign-in requests go (HTTP-Redirect binding).
    pub sso_url: String,
}

/// Refuses a document type declaration (and so every entity) before any parser sees it.
pub fn refuse_document_type(xml: &str) -> Result<(), SamlFailure> {
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") || xml.contains("<!doctype") {
        return Err(SamlFailure::DocumentType);
    }
    Ok(())
}

fn descriptor(xml: &str) -> Result<EntityDescriptor, String> {
    const NOT_METADATA: &str =
        "This isn't SAML metadata: paste the identity provider's EntityDescriptor XML";
    if !xml.contains("EntityDescriptor") {
        return Err(NOT_METADATA.into());
    }
    refuse_document_type(xml)
        .map_err(|_| "The metadata can't hold a document type declaration".to_string())?;
    xml.parse::<EntityDescriptor>().map_err(|_| {
        "This isn't SAML metadata: paste the identity provider's EntityDescriptor XML".to_string()
    })
}

/// Reads and checks an identity provider's metadata: an entity id, a single sign-on service
/// with the HTTP-Redirect binding, and a signing certificate — without one, responses
/// couldn't be checked, so such metadata is refused (some libraries skip the check then).
pub fn read_idp_metadata(xml: &str) -> Result<IdpMetadata, String> {
    let idp = descriptor(xml)?;
    let entity_id = idp
        .entity_id
        .clone()
        .filter(|e| !e.trim().is_empty())
        .ok_or("The metadata names no entity id")?;
    if idp.idp_sso_descriptors.as_ref().is_none_or(Vec::is_empty) {
        return Err("The metadata describes no identity provider (IDPSSODescriptor)".into());
    }
    let sp = ServiceProvider {
        idp_metadata: idp,
        ..ServiceProvider::default()
    };
    match sp.idp_signing_certs() {
        Ok(Some(certs)) if !certs.is_empty() => {}
        Ok(_) => {
            return Err(
                "The metadata has no signing certificate: responses couldn't be checked".into(),
            )
        }
        Err(_) => return Err("The metadata's signing certificate can't be read".into()),
    }
    let sso_url = sp
        .sso_binding_location(HTTP_REDIRECT_BINDING)
        .ok_or("The metadata has no single sign-on service with the HTTP-Redirect binding")?;
    url::Url::parse(&sso_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http"))
        .ok_or("The metadata's single sign-on address isn't a web address")?;
    Ok(IdpMetadata { entity_id, sso_url })
}

fn service_provider(
    idp_xml: &str,
    ours: &ServiceProviderValues,
    allow_idp_initiated: bool,
) -> Result<ServiceProvider, SamlFailure> {
    let idp = descriptor(idp_xml).map_err(|reason| SamlFailure::Invalid { reason })?;
    ServiceProviderBuilder::default()
        .entity_id(ours.entity_id.clone())
        .metadata_url(ours.entity_id.clone())
        .acs_url(ours.acs_url.clone())
        .idp_metadata(idp)
        .authn_name_id_format(NAME_ID_EMAIL.to_string())
        .allow_idp_initiated(allow_idp_initiated)
        .max_clock_skew(chrono::Duration::seconds(CLOCK_SKEW))
        .max_issue_delay(chrono::Duration::seconds(CLOCK_SKEW + 180))
        .allowed_signature_algorithms(vec![
            AllowedSignatureAlgorithm::RsaSha256,
            AllowedSignatureAlgorithm::RsaSha384,
            AllowedSignatureAlgorithm::RsaSha512,
        ])
        .build()
        .map_err(|e| SamlFailure::Invalid {
            reason: e.to_string(),
        })
}

/// Our metadata, for the identity provider: entity id, the ACS (HTTP-POST), NameID email,
/// signed assertions wanted, unsigned requests.
pub fn service_provider_metadata(ours: &ServiceProviderValues) -> Result<String, String> {
    let descriptor = SpSsoDescriptor {
        protocol_support_enumeration: Some("urn:oasis:names:tc:SAML:2.0:protocol".to_string()),
        name_id_formats: Some(vec![NAME_ID_EMAIL.to_string()]),
        authn_requests_signed: Some(false),
        want_assertions_signed: Some(true),
        assertion_consumer_services: vec![IndexedEndpoint {
            binding: HTTP_POST_BINDING.to_string(),
            location: ours.acs_url.clone(),
            index: 0,
            is_default: Some(true),
            ..IndexedEndpoint::default()
        }],
        ..SpSsoDescriptor::default()
    };
    let metadata = EntityDescriptor {
        entity_id: Some(ours.entity_id.clone()),
        sp_sso_descriptors: Some(vec![descriptor]),
        ..EntityDescriptor::default()
    };
    metadata.to_string().map_err(|e| format!("{e:?}"))
}

/// A sign-in request to the identity provider (HTTP-Redirect binding): the address to send
/// the browser to. `id` is ours (random, 128 bits), kept until the response names it.
pub fn sign_in_request_url(
    idp_xml: &str,
    ours: &ServiceProviderValues,
    id: &str,
    force_authn: bool,
    relay_state: &str,
) -> Result<String, String> {
    let mut sp = service_provider(idp_xml, ours, false).map_err(|e| e.to_string())?;
    sp.force_authn = force_authn;
    let meta = read_idp_metadata(idp_xml)?;
    let mut request = sp
        .make_authentication_request(&meta.sso_url)
        .map_err(|e| e.to_string())?;
    request.id = id.to_string();
    let url = request
        .redirect(relay_state)
        .map_err(|e| e.to_string())?
        .ok_or("no destination")?;
    Ok(url.to_string())
}

/// What an unchecked response says about where it comes from, to find its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    pub issuer: Option<String>,
    pub in_response_to: Option<String>,
}

/// Reads the issuer and InResponseTo of a response before checking it (nothing here is
/// trusted: it only picks the settings the response is then checked against). quick-xml
/// reads a document type declaration without acting on it (no entity is expanded, nothing
/// fetched), so a response with one is refused in [`verify`], for its account's log.
pub fn peek(xml: &str) -> Result<Peek, SamlFailure> {
    let response: Response = xml.parse().map_err(|_| SamlFailure::Malformed)?;
    let issuer = response
        .issuer
        .as_ref()
        .and_then(|i| i.value.clone())
        .or_else(|| {
            response
                .assertion
                .as_ref()
                .map(|a| a.issuer.value.clone())
                .and_then(|v| v)
        });
    Ok(Peek {
        issuer,
        in_response_to: response.in_response_to,
    })
}

/// A response that passed every check.
#[derive(Debug, Clone)]
pub struct Verified {
    pub assertion_id: String,
    /// Until when the assertion id is kept against replay (Unix seconds).
    pub keep_until: i64,
    pub identity: SamlIdentity,
}

/// Checks a response against the identity provider's metadata: the signature (the
/// response's or the assertion's, by the metadata's certificate, RSA with SHA-256 or
/// stronger), issuer, destination and recipient, times with 2 minutes' skew, the
/// audience (required), and InResponseTo when `request_id` is given.
pub fn verify(
    xml: &str,
    idp_xml: &str,
    ours: &ServiceProviderValues,
    request_id: Option<&str>,
) -> Result<Verified, SamlFailure> {
    refuse_document_type(xml)?;
    let sp = service_provider(idp_xml, ours, request_id.is_none())?;
    let ids: Vec<&str> = request_id.into_iter().collect();
    let assertion = sp
        .parse_xml_response(xml, request_id.map(|_| ids.as_slice()))
        .map_err(|e| match e {
            samael::service_provider::Error::FailedToValidateSignature => SamlFailure::Signature,
            other => SamlFailure::Invalid {
                reason: other.to_string(),
            },
        })?;
    check_audience(&assertion, &ours.entity_id)?;
    let keep_until = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.not_on_or_after)
        .map(|t| t.timestamp())
        .unwrap_or_else(|| assertion.issue_instant.timestamp() + 3600)
        + CLOCK_SKEW;
    let identity = identity(&assertion)?;
    Ok(Verified {
        assertion_id: assertion.id.clone(),
        keep_until,
        identity,
    })
}

/// The audience must be there and be us (samael checks it only when present).
fn check_audience(assertion: &Assertion, entity_id: &str) -> Result<(), SamlFailure> {
    let ours = assertion
        .conditions
        .as_ref()
        .and_then(|c| c.audience_restrictions.as_ref())
        .is_some_and(|rs| {
            !rs.is_empty() && rs.iter().all(|r| r.audience.iter().any(|a| a == entity_id))
        });
    if ours {
        Ok(())
    } else {
        Err(SamlFailure::Audience)
    }
}

fn identity(assertion: &Assertion) -> Result<SamlIdentity, SamlFailure> {
    let name_id = assertion
        .subject
        .as_ref()
        .and_then(|s| s.name_id.as_ref())
        .map(|n| n.value.as_str());
    let attributes: Vec<(String, Vec<String>)> = assertion
        .attribute_statements
        .iter()
        .flatten()
        .flat_map(|s| s.attributes.iter())
        .filter_map(|a| {
            let name = a.name.clone().or_else(|| a.friendly_name.clone())?;
            Some((
                name,
                a.values.iter().filter_map(|v| v.value.clone()).collect(),
            ))
        })
        .collect();
    SamlIdentity::from_assertion(name_id, &attributes)
}
