"""Counts the SQL queries of each request into a response header the bench client tallies."""

from django.db import connection


def count_queries(get_response):
    def middleware(request):
        counted = [0]

        def wrapper(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            response = get_response(request)
        response["X-Bench-Queries"] = str(counted[0])
        return response

    return middleware
