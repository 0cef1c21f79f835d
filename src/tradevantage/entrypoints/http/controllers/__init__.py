"""HTTP controllers: parse, call one service method, shape the answer."""
