"""Readers of the trade-history files traders export (MetaTrader 4, myfxbook, FX Blue, MQL5, our own CSV)."""
