"""The numbers of a profile its seed does not set (the agency's own settings), in words, wherever they are shown."""

from __future__ import annotations

from calldesk.rules.profile import TIER_LABELS, TIERS, Profile, Span, role_label

CLOCKS = ("respond_within", "acknowledge_within", "follow_up_every", "resolve_target", "resolve_max")
CLOCK_LABELS = {"respond_within": "respond within", "acknowledge_within": "acknowledge within",
                "follow_up_every": "follow up every", "resolve_target": "resolve within",
                "resolve_max": "resolve at the latest within"}


def profile_numbers(profile: Profile) -> list[tuple[str, str, str]]:
    """(setting key, the number in words, whose: "seed" or "own setting") for every clock of every tier and the
    profile's other spans, as `calldesk profile show` lists them."""
    own = {o.setting for o in profile.own_settings}
    rows: list[tuple[str, str, str]] = []

    def add(key: str, label: str, span: Span | int | None) -> None:
        if span is not None:
            whose = "own setting" if is_own(key, own) else "seed"
            rows.append((key, f"{label}: {span}", whose))

    for tier in TIERS:
        rule = profile.tiers[tier]
        add(f"tiers.{tier}.owner_role", f"{TIER_LABELS[tier]} owned by", role_label(rule.owner_role))  # type: ignore[arg-type]
        for clock in CLOCKS:
            add(f"tiers.{tier}.{clock}", f"{TIER_LABELS[tier]}, {CLOCK_LABELS[clock]}", getattr(rule, clock))
    add("intake_within", "Logged within", profile.intake_within)
    add("callback_within", "Callbacks returned within", profile.callback_within)
    add("appeal_within", "Appeal within", profile.appeal_within)
    add("repeat_window_days", "Repeat-caller window (days)", profile.repeat_window_days)
    add("trend_threshold", "Trend: cases at one place", profile.trend_threshold)
    add("trend_window_days", "Trend window (days)", profile.trend_window_days)
    add("monthly_report_due_day", "Monthly report due on day", profile.monthly_report_due_day)
    add("phone_events_kept_days", "Phone events kept (days)", profile.phone_events_kept_days)
    return rows


def is_own(key: str, own: set[str]) -> bool:
    """Whether `key` is one of the `own` settings, or inside one ("tiers.concern" covers its clocks)."""
    parts = key.split(".")
    return any(".".join(parts[:n]) in own for n in range(1, len(parts) + 1))


def own_settings_note(profile: Profile) -> str:
    """One sentence for a report's footnote: which numbers are the agency's own, not the seed's."""
    if not profile.own_settings:
        return ""
    listed = "; ".join(f"{o.setting} ({o.note})" for o in profile.own_settings)
    return f"Not set by the {profile.title} protocol, the agency's own settings: {listed}."
