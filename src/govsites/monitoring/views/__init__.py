"""The supervision admin (网站监管): dashboard, sites, findings, censuses and violations."""
