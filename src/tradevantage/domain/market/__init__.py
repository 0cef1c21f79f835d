"""The market: Expert Advisors that programmers publish."""
