@echo off
rem Installs comfy-agent's git hooks on Windows; see install-git-hooks.ps1. Pass -Uninstall to remove them.
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install-git-hooks.ps1" %*
