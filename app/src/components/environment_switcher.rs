//! The header's active product environment and its switcher
//! (docs/rules/environments.md#product-environments). Pages that work per environment read the
//! active one from [`use_environments`].

use crate::api::{list_environments, ConsoleError, Environments, SelectEnvironment};
use crate::components::layout::sign_in_again_on;
use leptos::prelude::*;

/// The environments the user reaches and the active one, shared by the frame's pages.
#[derive(Clone, Copy)]
pub struct EnvironmentsContext {
    pub list: crate::components::data::Data<Result<Environments, ConsoleError>>,
    pub select: ServerAction<SelectEnvironment>,
}

/// Provides the context; call once in the console frame.
pub fn provide_environments() -> EnvironmentsContext {
    let select = ServerAction::<SelectEnvironment>::new();
    sign_in_again_on(select.value());
    let list =
        crate::components::data::data(move || select.version().get(), |_| list_environments());
    let ctx = EnvironmentsContext { list, select };
    provide_context(ctx);
    ctx
}

pub fn use_environments() -> EnvironmentsContext {
    expect_context::<EnvironmentsContext>()
}

#[component]
pub fn EnvironmentSwitcher() -> impl IntoView {
    let ctx = use_environments();
    view! {
        <Transition fallback=|| ()>
            {move || {
                ctx.list
                    .get()
                    .map(|r| match r {
                        Ok(envs) if envs.environments.is_empty() => {
                            view! { <span class="env-none">"You don't have access to any product environment"</span> }.into_any()
                        }
                        Ok(envs) => {
                            let active = envs.active.as_ref().map(|e| e.id.clone()).unwrap_or_default();
                            view! {
                                <label class="env-switcher">
                                    <span class="visually-hidden">"Product environment"</span>
                                    <select
                                        aria-label="Product environment"
                                        on:change=move |ev| {
                                            ctx.select.dispatch(SelectEnvironment { id: event_target_value(&ev) });
                                        }
                                    >
                                        {envs
                                            .environments
                                            .into_iter()
                                            .filter(|e| e.enabled || e.id == active)
                                            .map(|e| {
                                                let label = format!("{} ({})", e.name, e.cloud_name);
                                                view! { <option value=e.id.clone() selected=e.id == active>{label}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                                .into_any()
                        }
                        Err(_) => ().into_any(),
                    })
            }}
        </Transition>
    }
}
