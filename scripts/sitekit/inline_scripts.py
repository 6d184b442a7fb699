"""The inline scripts the site ships, named here and nowhere else: the Content-Security-Policy
allows exactly these (by hash), and the output gate (sitekit/output_gate.py) refuses any
other inline script in the built site. The list is never read from the output, so an
injected script can never allow itself.

Today they are the theme's three (Material for MkDocs 9.8.2,
`partials/javascripts/{base,palette,content}.html`, printed by its base.html on every
page); the site's own scripts are files (docs/assets/). A theme upgrade that changes one
of them fails the build's output gate, naming the script: copy the new text from the
theme's partial here, after reading it. `{scope}` is `extra.scope` (the site's path,
sitekit/build/production.py), the same on every page."""

from __future__ import annotations

from collections.abc import Mapping

from sitekit import serving

THEME_SCRIPTS: Mapping[str, str] = {
    "material/partials/javascripts/base.html": (
        '__md_scope=new URL("{scope}",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),'
        '__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),'
        '__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}'
    ),
    "material/partials/javascripts/palette.html": (
        'var palette=__md_get("__palette");if(palette&&palette.color){if("(prefers-color-scheme)"===palette.color.media)'
        '{var media=matchMedia("(prefers-color-scheme: light)"),input=document.querySelector(media.matches?'
        "\"[data-md-color-media='(prefers-color-scheme: light)']\":\"[data-md-color-media='(prefers-color-scheme: dark)']\");"
        'palette.color.media=input.getAttribute("data-md-color-media"),palette.color.scheme=input.getAttribute("data-md-color-scheme"),'
        'palette.color.primary=input.getAttribute("data-md-color-primary"),palette.color.accent=input.getAttribute("data-md-color-accent")}'
        'for(var[key,value]of Object.entries(palette.color))document.body.setAttribute("data-md-color-"+key,value)}'
    ),
    "material/partials/javascripts/content.html": (
        'var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))'
    ),
}


def allowed(scope: str) -> dict[str, str]:
    """Each allowed inline script's exact text → where it comes from."""
    return {text.replace("{scope}", scope): source for source, text in THEME_SCRIPTS.items()}


def policy(scope: str) -> str:
    """The site's Content-Security-Policy: its own origin, and these scripts by hash."""
    return serving.content_security_policy(serving.csp_hash(text) for text in allowed(scope))
