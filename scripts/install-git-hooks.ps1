<#
.SYNOPSIS
Installs comfy-agent's git hooks on Windows, for people who do not use the pre-commit framework.

.DESCRIPTION
The same hooks as scripts/install-git-hooks (POSIX sh) installs:
  pre-commit  formatting of the staged Java files as staged, and the tests named after them
  pre-push    unit tests of agent-runtime and instrument-javaagent
  commit-msg  Conventional Commit subject
Git for Windows runs hooks with its own sh, so the installed hooks are the same small sh stubs,
written with LF line endings; each runs scripts/git-hooks/<hook> of the clone. An existing hook of
another origin is kept as <hook>.local and still runs first.

.PARAMETER Uninstall
Removes the hooks this script installed and restores any <hook>.local.

.EXAMPLE
powershell -ExecutionPolicy Bypass -File scripts\install-git-hooks.ps1

.EXAMPLE
scripts\install-git-hooks.cmd -Uninstall
#>
[CmdletBinding()]
param([switch]$Uninstall)

$ErrorActionPreference = 'Stop'
$marker = 'installed by comfy-agent scripts/install-git-hooks'
$stubTemplate = @'
#!/bin/sh
# __MARKER__
hooks_dir="$(dirname "$0")"
if [ -x "$hooks_dir/__HOOK__.local" ]; then
  "$hooks_dir/__HOOK__.local" "$@" || exit $?
fi
exec "$(git rev-parse --show-toplevel)/scripts/git-hooks/__HOOK__" "$@"
'@

$root = & git rev-parse --show-toplevel 2>$null
if ($LASTEXITCODE -ne 0 -or -not $root) {
  Write-Host 'install-git-hooks: run this inside a clone of comfy-agent' -ForegroundColor Red
  exit 1
}
Set-Location $root
$hooksDir = & git rev-parse --git-path hooks
New-Item -ItemType Directory -Force -Path $hooksDir | Out-Null
$utf8NoBom = New-Object System.Text.UTF8Encoding($false)

foreach ($hook in @('pre-commit', 'pre-push', 'commit-msg')) {
  $target = Join-Path $hooksDir $hook
  $local = "$target.local"
  $ours = (Test-Path -LiteralPath $target) -and
          (Select-String -LiteralPath $target -SimpleMatch $marker -Quiet)

  if ($Uninstall) {
    if ($ours) {
      Remove-Item -LiteralPath $target
      if (Test-Path -LiteralPath $local) { Move-Item -LiteralPath $local -Destination $target }
      Write-Host "removed $hook"
    }
    continue
  }

  if ((Test-Path -LiteralPath $target) -and -not $ours) {
    Move-Item -LiteralPath $target -Destination $local -Force
    Write-Host "kept your existing $hook hook as $hook.local (it runs first)"
  }
  $stub = $stubTemplate.Replace('__MARKER__', $marker).Replace('__HOOK__', $hook)
  # sh reads the hook: LF line endings and no byte order mark.
  $path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($target)
  [System.IO.File]::WriteAllText($path, ($stub -replace "`r`n", "`n") + "`n", $utf8NoBom)
  Write-Host "installed $hook"
}
