//! The Backup, Optimization and Security pages.

use super::{Editor, EditorContext};
use crate::components::fields::{error_of, CheckInput, LinesInput, SelectInput, TextInput};
use crate::domain::ip_allowlist::AllowedIp;
use crate::domain::settings::{
    BackupSettings, BackupTarget, DeliveryType, OptimizationSettings, Quality, SecuritySettings,
    Settings,
};
use leptos::prelude::*;

pub fn backup(initial: BackupSettings, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let target_id = |t: BackupTarget| match t {
        BackupTarget::Internal => "internal",
        BackupTarget::S3 => "s3",
        BackupTarget::Gcs => "gcs",
    };
    let external = Signal::derive(move || s.with(|v| v.target != BackupTarget::Internal));
    let view = view! {
        <section class="panel">
            <CheckInput id="automatic-backup" label="Automatic backup"
                checked=Signal::derive(move || s.with(|v| v.automatic_backup))
                on_change=Callback::new(move |x| s.update(|v| v.automatic_backup = x)) disabled=cx.readonly/>
            <SelectInput id="backup-target" label="Backup target"
                options=vec![
                    ("internal".into(), "Internal (managed by the media platform)".into()),
                    ("s3".into(), "Amazon S3 bucket".into()),
                    ("gcs".into(), "Google Cloud Storage bucket".into()),
                ]
                value=Signal::derive(move || s.with(|v| target_id(v.target).to_string()))
                on_change=Callback::new(move |x: String| s.update(|v| v.target = match x.as_str() {
                    "s3" => BackupTarget::S3,
                    "gcs" => BackupTarget::Gcs,
                    _ => BackupTarget::Internal,
                }))
                disabled=cx.readonly/>
            <Show when=move || external.get()>
                <div class="field-row">
                    <TextInput id="backup-bucket" label="Bucket" hint="3–63 lowercase letters, digits, dots and hyphens."
                        value=Signal::derive(move || s.with(|v| v.bucket.clone()))
                        on_input=Callback::new(move |x| s.update(|v| v.bucket = x))
                        error=error_of(cx.errors, "bucket") readonly=cx.readonly/>
                    <TextInput id="backup-prefix" label="Prefix (optional)"
                        value=Signal::derive(move || s.with(|v| v.prefix.clone()))
                        on_input=Callback::new(move |x| s.update(|v| v.prefix = x))
                        error=error_of(cx.errors, "prefix") readonly=cx.readonly/>
                </div>
            </Show>
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::Backup(s.get_untracked())),
    }
}

fn quality_options() -> Vec<(String, String)> {
    let mut o: Vec<(String, String)> = Quality::LEVELS
        .into_iter()
        .map(|q| (q.as_param(), q.as_param()))
        .collect();
    o.push(("fixed".into(), "Fixed (1–100)".into()));
    o
}

#[component]
fn QualityField(
    id: &'static str,
    label: &'static str,
    value: Signal<Quality>,
    set: Callback<Quality>,
    cx: EditorContext,
) -> impl IntoView {
    let mode = Signal::derive(move || match value.get() {
        Quality::Fixed(_) => "fixed".to_string(),
        q => q.as_param(),
    });
    let number = Signal::derive(move || match value.get() {
        Quality::Fixed(n) => n.to_string(),
        _ => String::new(),
    });
    view! {
        <div class="field-row">
            <SelectInput id=id label=label options=quality_options() value=mode
                on_change=Callback::new(move |x: String| {
                    set.run(if x == "fixed" { Quality::Fixed(80) } else { Quality::parse(&x).unwrap_or_default() })
                })
                error=error_of(cx.errors, id.replace('-', "_")) disabled=cx.readonly/>
            <Show when=move || mode.get() == "fixed">
                <TextInput id=format!("{id}-fixed") label=format!("{label}: fixed value") kind="number" value=number
                    on_input=Callback::new(move |x: String| set.run(Quality::Fixed(x.trim().parse().unwrap_or(0))))
                    error=Signal::derive(|| None::<String>) readonly=cx.readonly/>
            </Show>
        </div>
    }
}

pub fn optimization(initial: OptimizationSettings, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let view = view! {
        <section class="panel">
            <QualityField id="default-image-quality" label="Default image quality"
                value=Signal::derive(move || s.with(|v| v.default_image_quality))
                set=Callback::new(move |q| s.update(|v| v.default_image_quality = q)) cx/>
            <QualityField id="default-video-quality" label="Default video quality"
                value=Signal::derive(move || s.with(|v| v.default_video_quality))
                set=Callback::new(move |q| s.update(|v| v.default_video_quality = q)) cx/>
            <CheckInput id="auto-format" label="Automatic format selection (f_auto)"
                checked=Signal::derive(move || s.with(|v| v.auto_format))
                on_change=Callback::new(move |x| s.update(|v| v.auto_format = x)) disabled=cx.readonly/>
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::Optimization(s.get_untracked())),
    }
}

pub fn security(initial: SecuritySettings, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let lines = |get: fn(&SecuritySettings) -> Vec<String>,
                 put: fn(&mut SecuritySettings, Vec<String>)| {
        (
            Signal::derive(move || s.with(get)),
            Callback::new(move |x: Vec<String>| s.update(|v| put(v, x))),
        )
    };
    let (strict, set_strict) = lines(
        |v| v.strict_transformation_domains.clone(),
        |v, x| v.strict_transformation_domains = x,
    );
    let (fetch, set_fetch) = lines(
        |v| v.allowed_fetch_domains.clone(),
        |v, x| v.allowed_fetch_domains = x,
    );
    // Each line: an address or range, optionally followed by a label.
    let ips = Signal::derive(move || {
        s.with(|v| {
            v.allowed_admin_api_ips
                .iter()
                .map(|e| {
                    if e.label.is_empty() {
                        e.address.clone()
                    } else {
                        format!("{} {}", e.address, e.label)
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let set_ips = Callback::new(move |x: Vec<String>| {
        let list = x
            .into_iter()
            .map(|l| {
                let (address, label) = l.split_once(char::is_whitespace).unwrap_or((&l, ""));
                AllowedIp {
                    address: address.to_string(),
                    label: label.trim().to_string(),
                }
            })
            .collect();
        s.update(|v| v.allowed_admin_api_ips = list)
    });
    let ip_error = Signal::derive(move || {
        cx.errors.with(|e| {
            let msgs: Vec<String> =
                e.0.iter()
                    .filter(|f| f.field.starts_with("allowed_admin_api_ips"))
                    .map(|f| f.message.clone())
                    .collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        })
    });
    let view = view! {
        <section class="panel">
            <CheckInput id="strict-transformations" label="Strict transformations"
                checked=Signal::derive(move || s.with(|v| v.strict_transformations))
                on_change=Callback::new(move |x| s.update(|v| v.strict_transformations = x)) disabled=cx.readonly/>
            <LinesInput id="strict-domains" label="Domains allowed to use any transformation" value=strict on_change=set_strict
                error=error_of(cx.errors, "strict_transformation_domains") readonly=cx.readonly
                hint="Up to 100 host names, one per line."/>
            <fieldset class="choice-group">
                <legend>"Restricted delivery types"</legend>
                {DeliveryType::ALL.into_iter().map(|t| view! {
                    <CheckInput id=format!("restrict-{}", t.id()) label=t.id()
                        checked=Signal::derive(move || s.with(|v| v.restricted_delivery_types.contains(&t)))
                        on_change=Callback::new(move |on: bool| s.update(|v| {
                            v.restricted_delivery_types.retain(|x| *x != t);
                            if on { v.restricted_delivery_types.push(t) }
                        }))
                        disabled=cx.readonly/>
                }).collect_view()}
            </fieldset>
            <CheckInput id="block-pdf-zip" label="Block delivery of PDF and ZIP files"
                checked=Signal::derive(move || s.with(|v| v.block_pdf_zip_delivery))
                on_change=Callback::new(move |x| s.update(|v| v.block_pdf_zip_delivery = x)) disabled=cx.readonly/>
            <LinesInput id="fetch-domains" label="Allowed fetch domains" value=fetch on_change=set_fetch
                error=error_of(cx.errors, "allowed_fetch_domains") readonly=cx.readonly
                hint="Up to 100 host names or *.example.com, one per line. Empty: any."/>
            <LinesInput id="admin-api-ips" label="Allowed Admin API IP addresses" value=ips on_change=set_ips
                error=ip_error readonly=cx.readonly
                hint="Addresses or CIDR ranges for this environment's keys, one per line, optionally followed by a label. Empty: any address."/>
        </section>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::Security(s.get_untracked())),
    }
}
