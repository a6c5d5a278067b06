"""Live form validation asks a validator what is wrong without handling exceptions."""

from functools import partial

from counterdesk.domain.contact import validate_mobile, validate_remark
from counterdesk.domain.idnumbers import validate_id_number, validate_resident_id
from counterdesk.domain.validators import problem


def test_a_good_value_has_no_problem():
    assert problem(validate_mobile, "13812347777") is None


def test_a_bad_value_gives_the_sentence_to_show_beside_the_field():
    assert problem(validate_resident_id, "430626199001010015") == "身份证号码校验位不正确，请核对最后一位。"
    assert problem(validate_remark, "备" * 251) == "备注最多250个字，当前为251个，请删减。"


def test_extra_arguments_reach_the_validator():
    assert problem(validate_mobile, "1381234", field="agent_phone") == "手机号码应为11位数字，当前为7位。"
    assert problem(partial(validate_id_number, "passport"), "E12345678") is None
    assert problem(partial(validate_id_number, "passport"), "E1") is not None
