"""The live call: the intake screen and its parts."""
