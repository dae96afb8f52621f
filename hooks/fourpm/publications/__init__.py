"""Publications: the newsletter (its issues, feeds and e-mail editions), the press room and the wiki."""
