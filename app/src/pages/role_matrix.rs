use crate::components::layout::AreaGate;
use crate::domain::{Area, Permission, PermissionScope, Role};
use leptos::prelude::*;
use leptos_meta::Title;

/// The role × permission matrix, rendered from the same domain code the server enforces.
#[component]
pub fn RoleMatrixPage() -> impl IntoView {
    view! {
        <Title text="Role matrix"/>
        <AreaGate area=Area::RoleMatrix>
            <h1>"Role matrix"</h1>
            <p class="lead">
                "What each role may do. Environment-scoped permissions (E) hold only in the product environments a user can access."
            </p>
            <div class="table-wrap">
                <table class="table matrix">
                    <caption class="visually-hidden">"Permissions granted to each role"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Permission"</th>
                            <th scope="col">"Scope"</th>
                            {Role::ALL.into_iter().map(|r| view! { <th scope="col">{r.console_name()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {Permission::ALL
                            .iter()
                            .map(|p| {
                                let p = *p;
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <code>{p.id()}</code>
                                            <span class="permission-allows">{p.allows()}</span>
                                        </th>
                                        <td>{if p.scope() == PermissionScope::Account { "A" } else { "E" }}</td>
                                        {Role::ALL
                                            .into_iter()
                                            .map(|r| {
                                                let granted = r.has(p);
                                                view! {
                                                    <td class=if granted { "cell-granted" } else { "cell-denied" }>
                                                        <span aria-hidden="true">{if granted { "✔" } else { "·" }}</span>
                                                        <span class="visually-hidden">
                                                            {if granted { "granted" } else { "not granted" }}
                                                        </span>
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </AreaGate>
    }
}
