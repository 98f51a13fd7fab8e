"""LLM providers behind one client: hosted (OpenAI-compatible, Anthropic), offline rules, and
replay — every exchange recorded, cached and budgeted (:mod:`gendexhand.llm.client`)."""

from gendexhand.llm.budget import Budget, BudgetExhaustedError, PriceTable
from gendexhand.llm.client import Answer, LLMClient
from gendexhand.llm.providers import make_provider, parse_spec
from gendexhand.llm.types import Completion, Image, Message, Request, Sampling

__all__ = [
    "Answer",
    "Budget",
    "BudgetExhaustedError",
    "Completion",
    "Image",
    "LLMClient",
    "Message",
    "PriceTable",
    "Request",
    "Sampling",
    "make_provider",
    "parse_spec",
]
