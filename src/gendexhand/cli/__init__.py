"""Thin ``gendexhand <verb>`` commands: parse, call one library function, print a summary."""
