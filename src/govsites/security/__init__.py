"""Security records and hardening (issue #5)."""
