"""`hamsu retrain_lead_model`: retrain the predictive lead score on won/lost leads."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.funnel.services.scoring import predictive_retrain


class Command(BaseCommand):
    help = "Retrain the predictive lead-scoring model from closed leads."

    def handle(self, *args, **options):
        model = predictive_retrain()
        self.stdout.write("trained" if model else "not enough won and lost leads to train")
