"""Create a staff account in the Researchers or Editors group.

The password is asked for at the prompt, or read from DJANGO_ACCOUNT_PASSWORD when
the command runs without a terminal (scripts, containers).
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLES = {"researcher": "Researchers", "editor": "Editors"}


class Command(BaseCommand):
    help = (
        "Create an account for a researcher or an editor "
        "(createsuperuser makes administrators)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named “{username}” already exists.")
        password = os.environ.get("DJANGO_ACCOUNT_PASSWORD")
        if not password:
            if not sys.stdin.isatty():
                raise CommandError(
                    "No password given: run in a terminal, or set "
                    "DJANGO_ACCOUNT_PASSWORD."
                )
            password = getpass.getpass(f"Password for {username}: ")
            again = getpass.getpass("The same password again: ")
            if again != password:
                raise CommandError(
                    "The two passwords differ; nothing was created. Run the "
                    "command again."
                )
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "Password refused: " + " ".join(error.messages)
            ) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(self.style.SUCCESS(f"Created {role} account “{username}”."))
