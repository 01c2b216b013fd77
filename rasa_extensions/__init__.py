"""Code that runs inside the Rasa server (not the action server): plugged in through `bot/endpoints*.yml`."""
