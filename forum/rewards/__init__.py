"""Rewards: points buy things from a small catalogue the admins keep; the IT team hands them over."""
