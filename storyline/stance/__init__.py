"""Stance of a text toward a claim (agree / disagree / discuss / unrelated), learned from FNC-1."""
