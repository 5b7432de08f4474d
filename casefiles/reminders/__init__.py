"""Volunteers' reminders: a daily email of each person's deadlines (overdue and the next 7 days), opt-out per
person, sent by `flask reminders send` through the outbox, at most once a day."""
