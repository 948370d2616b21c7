"""The digest's version, in a module of its own: reading it (to tell whether a stored digest
is current) must not import the summarizer and its libraries, so that ``storyline show``
answers from a stored digest without loading them."""

VERSION = "10"  # 2: main entities without nationalities; stricter disagreements; 3: entities
# united across articles and spellings, quotes only with a speaker a reader can trust;
# 4: disputes need one day and two outlets, evolutions, claim/denial by parse and stance;
# 5: claims answered a few lines before their denial in the same article;
# 6: concept summaries (ILP) for stories of 8+ articles, standalone-sentence filter;
# 7: the summary trims datelines with analysis's reader ("GOTEBORG, Sweden (AP) _" too);
# 8: stricter standalone sentences (pronoun speakers, `` '' quotes, comments) in every
# summary and timeline, timeline lines without their dateline; 9: two-sentence units (a
# sentence leaning on the one before enters with it), learned sentence importance;
# 10: no page notices (web archive, tweet settings, video playlists) among the candidates,
# the greedy summary's cost exponent 0.6 (shorter sentences), no cut quotation even where
# too few sentences stand alone
