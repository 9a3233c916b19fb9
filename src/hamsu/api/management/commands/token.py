"""Create or revoke personal API tokens from the command line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hamsu.api import services
from hamsu.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "hamsu token create USERNAME NAME | hamsu token revoke USERNAME TOKEN_ID | hamsu token list USERNAME"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("username")
        parser.add_argument("value", nargs="?", default="")

    def handle(self, *args, action, username, value, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            if action == "create":
                token, raw = services.token_create(user=user, name=value or "cli", via="cli")
                self.stdout.write(f"Token {token.pk} created. Copy it now, it is not stored:\n{raw}")
            elif action == "revoke":
                services.token_revoke(user=user, token_id=int(value), via="cli")
                self.stdout.write(f"Token {value} revoked.")
            else:
                for token in user.api_tokens.all():
                    state = "active" if token.is_active else "revoked"
                    self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}")
        except (DomainError, ValueError) as error:
            raise CommandError(str(error)) from error
