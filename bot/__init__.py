"""ClickBook Telegram bot: customer sign-up and staff invitations for a ClickBook business."""
