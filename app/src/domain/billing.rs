//! Billing details of an account (docs/rules/account.md#billing-usage-and-add-ons): contact,
//! billing address and invoice settings — each its own form, validated here for the form and the
//! server.

use super::{Email, FieldErrors};
use serde::{Deserialize, Serialize};

/// The account information block of the Billing page (the company lives on the account).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingContact {
    pub company: String,
    pub contact_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BillingAddress {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceSettings {
    /// 1–5 addresses invoices are sent to.
    pub recipients: Vec<String>,
    pub tax_id: String,
    pub po_reference: String,
}

pub const MAX_INVOICE_RECIPIENTS: usize = 5;

/// An invoice as the billing integration reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub period: String,
    /// In the smallest currency unit.
    pub amount_minor: i64,
    pub currency: String,
    /// `open`, `paid` or `void`.
    pub status: String,
    pub download_url: String,
}

/// A billing document as its form loads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingForm<T> {
    pub value: T,
    /// 0 until first saved; a save names the revision it edited.
    pub revision: i64,
}

/// The Billing page (`billing.view`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingOverview {
    pub plan_name: String,
    pub tier: super::Tier,
    pub seats_used: i64,
    pub seat_limit: i64,
    pub environment_limit: i64,
    pub features: Vec<super::Feature>,
    pub contact: BillingForm<BillingContact>,
    pub address: BillingForm<BillingAddress>,
    pub invoice_settings: BillingForm<InvoiceSettings>,
    /// Empty without a billing integration (`billing_integration` false).
    pub invoices: Vec<Invoice>,
    pub billing_integration: bool,
}

/// The account's billing documents, one form each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum BillingDocument {
    Contact(BillingContact),
    Address(BillingAddress),
    Invoice(InvoiceSettings),
}

impl BillingDocument {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            BillingDocument::Contact(_) => "billing_contact",
            BillingDocument::Address(_) => "billing_address",
            BillingDocument::Invoice(_) => "invoice_settings",
        }
    }

    pub fn validate(self) -> Result<BillingDocument, FieldErrors> {
        let mut e = FieldErrors::new();
        let out = match self {
            BillingDocument::Contact(c) => BillingDocument::Contact(c.validate(&mut e)),
            BillingDocument::Address(a) => BillingDocument::Address(a.validate(&mut e)),
            BillingDocument::Invoice(i) => BillingDocument::Invoice(i.validate(&mut e)),
        };
        e.into_result().map(|()| out)
    }
}

fn text(e: &mut FieldErrors, field: &str, v: &str, min: usize, max: usize, what: &str) -> String {
    e.check(field, super::validation::name(v, min, max, what))
        .unwrap_or_else(|| v.to_string())
}

fn email(e: &mut FieldErrors, field: &str, v: &str) -> String {
    match Email::parse(v) {
        Ok(m) => m.as_str().to_string(),
        Err(m) => {
            e.add(field, m);
            v.to_string()
        }
    }
}

impl BillingContact {
    fn validate(self, e: &mut FieldErrors) -> BillingContact {
        let company = text(e, "company", &self.company, 0, 100, "Company");
        let contact_email = if self.contact_email.trim().is_empty() {
            String::new()
        } else {
            email(e, "contact_email", &self.contact_email)
        };
        BillingContact {
            company,
            contact_email,
        }
    }
}

/// The English name of an ISO 3166-1 alpha-2 code.
pub fn country_name(code: &str) -> Option<&'static str> {
    isocountry::CountryCode::for_alpha2(code)
        .ok()
        .map(|c| c.name())
}

/// Every country as (alpha-2, name), by name: the address form's choices.
pub fn countries() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = isocountry::CountryCode::iter()
        .map(|c| (c.alpha2(), c.name()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(b.1));
    all
}

impl BillingAddress {
    fn validate(self, e: &mut FieldErrors) -> BillingAddress {
        let code = self.country.trim().to_uppercase();
        if code.is_empty() {
            e.add("country", "Country is required");
        } else if code.len() != 2 || country_name(&code).is_none() {
            e.add(
                "country",
                format!("\"{code}\" is not an ISO 3166-1 alpha-2 country code"),
            );
        }
        BillingAddress {
            name: text(e, "name", &self.name, 1, 100, "Name or company"),
            line1: text(e, "line1", &self.line1, 1, 100, "Address line 1"),
            line2: text(e, "line2", &self.line2, 0, 100, "Address line 2"),
            city: text(e, "city", &self.city, 1, 100, "City"),
            region: text(e, "region", &self.region, 0, 100, "Region"),
            postal_code: text(e, "postal_code", &self.postal_code, 0, 20, "Postal code"),
            country: code,
        }
    }
}

impl InvoiceSettings {
    fn validate(self, e: &mut FieldErrors) -> InvoiceSettings {
        let mut recipients: Vec<String> = Vec::new();
        let mut bad = Vec::new();
        for r in self
            .recipients
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
        {
            match Email::parse(r) {
                Ok(m)
                    if !recipients
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(m.as_str())) =>
                {
                    recipients.push(m.as_str().to_string())
                }
                Ok(_) => {}
                Err(_) => bad.push(format!("\"{r}\" is not a valid email address")),
            }
        }
        if !bad.is_empty() {
            e.add("recipients", bad.join("; "));
        } else if recipients.is_empty() {
            e.add("recipients", "Add at least one invoice recipient");
        } else if recipients.len() > MAX_INVOICE_RECIPIENTS {
            e.add(
                "recipients",
                format!("At most {MAX_INVOICE_RECIPIENTS} invoice recipients"),
            );
        }
        InvoiceSettings {
            recipients,
            tax_id: text(e, "tax_id", &self.tax_id, 0, 32, "Tax/VAT ID"),
            po_reference: text(e, "po_reference", &self.po_reference, 0, 64, "PO/reference"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_rules() {
        let ok = BillingDocument::Address(BillingAddress {
            name: "Acme Media".into(),
            line1: "1 Main St".into(),
            city: "Lisbon".into(),
            country: "pt".into(),
            ..Default::default()
        })
        .validate()
        .unwrap();
        let BillingDocument::Address(a) = ok else {
            panic!("kind")
        };
        assert_eq!(a.country, "PT");
        assert_eq!(country_name("PT"), Some("Portugal"));
        let e = BillingDocument::Address(BillingAddress {
            country: "XX".into(),
            ..Default::default()
        })
        .validate()
        .unwrap_err();
        for f in ["name", "line1", "city", "country"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        assert!(e.get("line2").is_none());
    }

    #[test]
    fn invoice_rules() {
        let doc = |r: &[&str], tax: &str| {
            BillingDocument::Invoice(InvoiceSettings {
                recipients: r.iter().map(|s| s.to_string()).collect(),
                tax_id: tax.into(),
                po_reference: String::new(),
            })
            .validate()
        };
        assert!(doc(&["ap@acme.test", "AP@acme.test"], "PT123").is_ok());
        assert!(doc(&[], "").unwrap_err().get("recipients").is_some());
        assert!(doc(&["nope"], "").unwrap_err().get("recipients").is_some());
        let six: Vec<String> = (0..6).map(|i| format!("a{i}@acme.test")).collect();
        let six: Vec<&str> = six.iter().map(String::as_str).collect();
        assert!(doc(&six, "").unwrap_err().get("recipients").is_some());
        assert!(doc(&["a@acme.test"], &"9".repeat(33))
            .unwrap_err()
            .get("tax_id")
            .is_some());
        assert!(countries().len() > 240);
    }
}
