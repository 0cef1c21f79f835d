"""`tradevantage subscriptions`: reports for administrators."""

from __future__ import annotations

import click
from rich.table import Table

from tradevantage.domain.values import format_timestamp
from tradevantage.entrypoints.cli.context import CommandContext, output_console, pass_context, run_in_session


@click.group()
def subscriptions() -> None:
    """Subscriptions to Expert Advisors."""


@subscriptions.command("list")
@click.option(
    "--expiring-within",
    "days",
    type=click.IntRange(0, 3650),
    required=True,
    metavar="DAYS",
    help="Only subscriptions that end within this many days from now.",
)
@pass_context
def list_subscriptions(context: CommandContext, days: int) -> None:
    """List subscriptions about to end, soonest first.

    \b
    Example:
      tradevantage subscriptions list --expiring-within 7
    """
    container = context.container
    views = run_in_session(
        container, lambda session: container.subscription_service(uow__session=session).expiring_within(days)
    )
    table = Table("expires_at", "user", "magic_number", "expert", "cancelled")
    for view in views:
        subscription = view.subscription
        table.add_row(
            format_timestamp(subscription.expires_at) if subscription.expires_at else "",
            view.user_email,
            str(view.expert.magic_number),
            view.expert.name,
            "yes" if subscription.cancelled_at else "no",
        )
    output_console().print(table)
    click.echo(f"{len(views)} subscription(s) end within {days} day(s).")
