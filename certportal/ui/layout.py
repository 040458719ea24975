"""The app shell (header, navigation, language switch, user menu) and the page decorator.

``@page(route, guard=...)`` declares a page with its guard; ``add_pages`` adds them to the app.
"public" pages render at once; "member" pages wait for hydration and the session check, then
render or redirect; "admin" pages also show a refusal to non-admins. Services enforce the same
rules whatever the page shows. The session check is an on_load event of its own before the
page's loads, unless the page has one load handler that does it itself (``auth.state.page_load``,
or marked ``auth.state.checks_session``): then a page change is one event fewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import reflex as rx
from reflex.vars import VarData

from certportal.auth.state import NOTICES, AppState
from certportal.teams.state import AdminGuardState
from certportal.ui import styles
from certportal.ui.components import DocumentLanguage, confirm_dialog
from certportal.ui.text import t, t_var

Guard = Literal["public", "member", "admin"]


@dataclass(frozen=True)
class PageSpec:
    route: str
    render: Callable[[], rx.Component]
    title: rx.Var[str]
    on_load: list[Any]


_PAGES: dict[str, PageSpec] = {}


def logo(size: str = "28px") -> rx.Component:
    return rx.image(src="/logo.svg", alt="", width=size, height=size)


def brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            logo(),
            rx.text(
                "certportal",
                weight="bold",
                size="4",
                color=rx.color(styles.GRAY, 12),
                class_name="cp-brand-name",
            ),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        aria_label="certportal",
        flex_shrink="0",  # the navigation scrolls sideways instead
    )


def language_switch() -> rx.Component:
    def option(locale: str, label: str) -> rx.Component:
        active = AppState.locale == locale
        return rx.button(
            label,
            size="1",
            variant=rx.cond(active, "solid", "soft"),
            color_scheme=rx.cond(active, styles.ACCENT, "gray"),
            on_click=AppState.set_language(locale),
            aria_pressed=rx.cond(active, "true", "false"),
            lang=locale,
        )

    return rx.hstack(
        option("ja", "日本語"),
        option("en", "English"),
        spacing="1",
        role="group",
        aria_label="Language / 言語",
    )


def nav() -> rx.Component:
    links = rx.hstack(
        rx.link(t("nav.home"), href="/", style=styles.nav_link),
        rx.link(t("nav.credentials"), href="/credentials", style=styles.nav_link),
        rx.link(t("nav.wizard"), href="/wizard", style=styles.nav_link),
        rx.link(t("nav.cases"), href="/cases", style=styles.nav_link),
        rx.cond(
            (AppState.user_role == "lead") | (AppState.user_role == "admin"),
            rx.link(t("nav.team"), href="/team", style=styles.nav_link),
        ),
        rx.link(t("nav.identity"), href="/identity", style=styles.nav_link),
        rx.cond(
            AppState.user_role == "admin",
            rx.fragment(
                rx.link(t("nav.people"), href="/admin/people", style=styles.nav_link),
                rx.link(t("nav.teams"), href="/admin/teams", style=styles.nav_link),
                rx.link(t("nav.knowledge"), href="/admin/knowledge", style=styles.nav_link),
                rx.link(t("nav.audit"), href="/admin/audit", style=styles.nav_link),
                rx.link(t("nav.skilling_settings"), href="/admin/skilling", style=styles.nav_link),
            ),
        ),
        spacing="1",
        class_name="cp-nav",
    )
    return rx.el.nav(links, aria_label=t("nav.label"), min_width="0")


# The account menu opens inside the header (a landmark), not at the end of the page: the layer
# element is looked up once the header is in the document.
MENU_LAYER = "account-menu-layer"
_menu_layer = rx.Var(
    "accountMenuLayer",
    _var_data=VarData(
        imports={"react": ["useState", "useEffect"]},
        hooks={
            "const [accountMenuLayer, setAccountMenuLayer] = useState(null);": None,
            "useEffect(() => { setAccountMenuLayer(document.getElementById("
            f"'{MENU_LAYER}')); }}, []);": None,
        },
    ),
)


def user_menu() -> rx.Component:
    # not modal: the page stays readable (not hidden from screen readers) while the menu is open;
    # Escape, a click outside or moving focus away closes it
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18),
                # the visible name is part of the button's name: "<name> Account menu"
                rx.text.span(AppState.user_name, class_name="cp-user-name"),
                rx.text.span(" ", t("nav.account_menu"), class_name="cp-visually-hidden"),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                color_scheme="gray",
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(AppState.user_email, size="2", weight="medium"),
                rx.text(AppState.role_label, size="1", color=styles.MUTED_TEXT),
                padding_x=styles.SPACE_3,
                padding_y=styles.SPACE_2,
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.icon("file-down", size=14),
                t("mydata.title"),
                on_click=rx.redirect("/me/data"),
            ),
            rx.menu.item(
                rx.icon("eye", size=14),
                t("team.lead_view_title"),
                on_click=rx.redirect("/me/lead-view"),
            ),
            rx.menu.item(
                rx.icon("log-out", size=14), t("nav.sign_out"), on_click=AppState.sign_out
            ),
            rx.menu.item(
                rx.icon("monitor-x", size=14),
                t("nav.sign_out_everywhere"),
                on_click=AppState.ask_sign_out_everywhere,
            ),
            custom_attrs={"container": _menu_layer},
        ),
        modal=False,
    )


def sign_out_everywhere_dialog() -> rx.Component:
    return confirm_dialog(
        is_open=AppState.confirm_everywhere,
        title=t("nav.sign_out_everywhere"),
        subject=AppState.user_email,
        body=t("auth.sign_out_everywhere_body"),
        confirm_label=t("nav.sign_out_everywhere"),
        on_cancel=AppState.cancel_sign_out_everywhere,
        on_confirm=AppState.sign_out_everywhere,
    )


def header(signed_in: bool) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.hstack(
                brand(),
                nav() if signed_in else rx.fragment(),
                spacing="5",
                align="center",
                min_width="0",
            ),
            rx.hstack(
                language_switch(),
                rx.fragment(user_menu(), sign_out_everywhere_dialog())
                if signed_in
                else rx.fragment(),
                spacing="4",
                align="center",
                flex_shrink="0",
            ),
            justify="between",
            align="center",
            height="100%",
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding_x=styles.SPACE_5,
        ),
        rx.el.div(id=MENU_LAYER) if signed_in else rx.fragment(),
        style=styles.header,
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.hstack(
            rx.text(t("footer.tagline"), size="1", color=styles.MUTED_TEXT),
            rx.cond(
                AppState.worker != "",
                rx.text(
                    "worker ", AppState.worker, size="1", color=styles.MUTED_TEXT, id="worker-id"
                ),
            ),
            justify="between",
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding=styles.SPACE_5,
        ),
    )


def notice_banner() -> rx.Component:
    return rx.cond(
        AppState.notice != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(t_var(AppState.notice, *NOTICES)),
            color_scheme="blue",
            role="status",
            width="100%",
        ),
    )


def loading_screen() -> rx.Component:
    return rx.center(
        rx.vstack(
            logo("40px"),
            rx.spinner(size="3"),
            rx.text(t("common.loading"), color=styles.MUTED_TEXT, size="2"),
            align="center",
            spacing="3",
        ),
        height="100vh",
        role="status",
        aria_live="polite",
    )


def unavailable_screen() -> rx.Component:
    """The session could not be checked: the database is down. Nothing is lost; try again."""
    return rx.el.main(
        rx.center(
            rx.vstack(
                logo("40px"),
                rx.heading(t("error.page_unavailable_title"), size="5", as_="h1"),
                rx.text(
                    t("error.page_unavailable"), size="3", max_width="32em", text_align="center"
                ),
                rx.button(
                    t("common.try_again"),
                    on_click=rx.call_script("window.location.reload()"),
                    id="unavailable-retry",
                ),
                align="center",
                spacing="4",
                role="alert",
            ),
            height="100vh",
        ),
        id="unavailable",
    )


def shell(content: rx.Component, *, signed_in: bool = True) -> rx.Component:
    return rx.box(
        rx.el.a(t("common.skip_to_content"), href="#main", class_name="cp-skip-link"),
        header(signed_in),
        rx.el.main(
            content,
            id="main",
            max_width=styles.MAX_WIDTH,
            margin="0 auto",
            padding=styles.SPACE_5,
            width="100%",
            min_height=f"calc(100vh - {styles.HEADER_HEIGHT} - 80px)",
        ),
        footer(),
        background=styles.PAGE_BG,
        min_height="100vh",
    )


def forbidden() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("shield-alert", size=40, color=styles.DANGER),
            rx.heading(t("error.forbidden_title"), size="6", as_="h1"),
            rx.text(t("error.admin_only"), color=styles.MUTED_TEXT),
            rx.link(rx.button(t("nav.back_home")), href="/"),
            align="center",
            spacing="3",
            style=styles.card,
            max_width="480px",
            id="forbidden",
        ),
        padding_top="10vh",
        width="100%",
    )


def page_title(key: str, *extra: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.heading(t(key), size="7", as_="h1"),
        *extra,
        justify="between",
        align="center",
        width="100%",
        margin_bottom=styles.SPACE_4,
    )


def page(
    route: str,
    *,
    title: str,
    guard: Guard = "member",
    # ``title`` is a message key: the browser tab follows the language too.
    on_load: list[rx.event.EventType[()]] | None = None,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page with the shell and its guard (see module docstring)."""
    extra = list(on_load or [])

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def wrapped() -> rx.Component:
            body = render()
            document_lang = DocumentLanguage.create(language=AppState.locale)
            if guard == "public":
                # the language is known once the session is checked (the person's, their cookie's
                # or their browser's): until then a loading screen, not a page in the wrong language
                # (nor, for someone already signed in, a sign-in form that is about to go away)
                return rx.fragment(
                    document_lang,
                    rx.cond(
                        AppState.is_hydrated & AppState.auth_checked,
                        shell(body, signed_in=False),
                        loading_screen(),
                    ),
                )
            if guard == "admin":
                inner = rx.cond(AdminGuardState.forbidden, forbidden(), body)
            else:
                inner = body
            return rx.fragment(
                document_lang,
                rx.cond(
                    AppState.unavailable,
                    unavailable_screen(),
                    rx.cond(
                        AppState.is_hydrated & AppState.auth_checked & AppState.signed_in,
                        shell(rx.vstack(notice_banner(), inner, width="100%", spacing="4")),
                        loading_screen(),
                    ),
                ),
            )

        wrapped.__name__ = render.__name__
        if guard in ("member", "admin") and _checks_session(extra):
            # its one load handler checks the session first, by itself (``checks_session``)
            if guard == "admin":
                state = extra[0].state  # type: ignore[union-attr]
                assert issubclass(state, AdminGuardState), f"{route}: an admin page_load"
            events = extra
        else:
            guard_event = {
                "public": AppState.load_public,
                "member": AppState.require_member,
                "admin": AdminGuardState.require_admin,
            }[guard]
            events = [guard_event, *extra]
        _PAGES[route] = PageSpec(
            route=route,
            render=wrapped,
            title=t(title) + " · certportal",
            on_load=events,
        )
        return wrapped

    return decorator


def _checks_session(handlers: list[rx.event.EventType[()]]) -> bool:
    """Whether the page's only load handler checks the session itself (``checks_session``)."""
    return len(handlers) == 1 and bool(
        getattr(getattr(handlers[0], "fn", None), "checks_session", False)
    )


def add_pages(app: rx.App) -> None:
    """Add every page declared with :func:`page` to the app (called once, by certportal.py)."""
    for spec in _PAGES.values():
        app.add_page(spec.render, route=spec.route, title=spec.title, on_load=spec.on_load)
