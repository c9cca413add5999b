"""The official working-day calendar (工作日历): weekends, public holidays and adjusted working
days (调休) of the State Council's yearly arrangement, and the working-day arithmetic that
deadlines ("within N working days") are computed with. See docs/workdays.md.
"""
