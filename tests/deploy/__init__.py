"""Tests of deploy/: the systemd unit, the Docker image's files, the settings file's format."""
