"""`tradevantage users`: accounts, for administrators."""

from __future__ import annotations

import sys

import click

from tradevantage.entrypoints.cli.context import CommandContext, pass_context, run_in_session

ROLES = click.Choice(["user", "programmer", "admin"])


@click.group()
def users() -> None:
    """Accounts: create them (admins included), change roles, deactivate."""


@users.command("create")
@click.argument("email")
@click.option("--full-name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=ROLES,
    default="user",
    show_default=True,
    help="The account's role; this is the only way to make an admin.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (required).")
@pass_context
def create_user(context: CommandContext, email: str, full_name: str, role: str, password_stdin: bool) -> None:
    """Create an account of any role, administrators included.

    \b
    Example:
      printf '%s' "$PW" | tradevantage users create ada@example.com --full-name "Ada" --role admin --password-stdin
    """
    if not password_stdin:
        raise click.UsageError("Give the password on standard input with --password-stdin, never as an argument.")
    password = sys.stdin.read().rstrip("\r\n")
    container = context.container
    user = run_in_session(
        container,
        lambda session: container.user_service(uow__session=session).create_account(email, full_name, password, role),
    )
    click.echo(f"Created {user.role.value} {user.email} ({user.id}).")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLES)
@pass_context
def set_role(context: CommandContext, email: str, role: str) -> None:
    """Give an account another role; it applies from the account's next sign-in or token refresh.

    \b
    Example:
      tradevantage users set-role dev@example.com programmer
    """
    container = context.container
    user = run_in_session(container, lambda session: container.user_service(uow__session=session).set_role(email, role))
    click.echo(f"{user.email} is now {user.role.value}.")


@users.command()
@click.argument("email")
@pass_context
def deactivate(context: CommandContext, email: str) -> None:
    """Stop an account: it can no longer sign in, its refresh tokens are revoked at once, and its
    access tokens are refused on their next use.

    \b
    Example:
      tradevantage users deactivate spammer@example.com
    """
    container = context.container
    user = run_in_session(container, lambda session: container.user_service(uow__session=session).deactivate(email))
    click.echo(f"{user.email} is deactivated; its sessions are revoked.")
