"""Rasa input/output channels of the project, subclassing Rasa's own where 3.6 falls short; each module says why."""
