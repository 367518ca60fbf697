"""Navigation from raw event logs (lostness, path efficiency, first click, misclicks) and XES export."""
