"""Reflection templates and their prompts, in our own words. Pure: no Django.

Gibbs' reflective cycle (1988) and Kolb's experiential learning cycle (1984) give the steps;
the questions under each step are written for therapists reflecting on their learning. Every
template ends with the two questions a CPD profile asks about: what changed in my practice, and
how my clients benefit (fields of the reflection itself, not prompts here).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prompt:
    key: str
    label: str
    help: str


@dataclass(frozen=True, slots=True)
class ReflectionTemplate:
    key: str
    name: str
    description: str
    prompts: tuple[Prompt, ...]


TEMPLATES: dict[str, ReflectionTemplate] = {
    "gibbs": ReflectionTemplate(
        key="gibbs",
        name="Gibbs reflective cycle",
        description="Six steps from what happened to what you will do next time.",
        prompts=(
            Prompt(
                "description", "What happened?", "The learning or the situation, in plain facts."
            ),
            Prompt("feelings", "What did I think and feel?", "Before, during and after."),
            Prompt("evaluation", "What went well, and what did not?", "Both sides, honestly."),
            Prompt(
                "analysis",
                "Why did it go that way?",
                "What the training, the evidence or your supervisor suggests about it.",
            ),
            Prompt("conclusion", "What else could I have done?", "What you have learned from it."),
            Prompt("action_plan", "What will I do next time?", "A concrete step and when."),
        ),
    ),
    "kolb": ReflectionTemplate(
        key="kolb",
        name="Kolb learning cycle",
        description="Experience, reflect, make sense of it, try it out.",
        prompts=(
            Prompt("experience", "The experience", "What you did, learned or saw."),
            Prompt("observation", "Looking back at it", "What stood out; what surprised you."),
            Prompt(
                "conceptualisation",
                "Making sense of it",
                "How it fits with what you know, and what it changes in your thinking.",
            ),
            Prompt("experimentation", "Trying it out", "What you will try, with whom, and how."),
        ),
    ),
    "free": ReflectionTemplate(
        key="free",
        name="Free writing",
        description="Your own words, no steps.",
        prompts=(Prompt("text", "Reflection", "Whatever you want to think through."),),
    ),
}

TEMPLATE_CHOICES = [(template.key, template.name) for template in TEMPLATES.values()]


def template(key: str) -> ReflectionTemplate:
    """The template named ``key``; free writing for an unknown key."""
    return TEMPLATES.get(key, TEMPLATES["free"])
