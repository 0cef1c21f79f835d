"""TradeVantage: accounts, Expert Advisor market, subscriptions and trade history for MetaTrader traders."""

__version__ = "0.1.0"
